/// A data center the emulator reports in the catalog and places pods in.
struct DataCenter: Sendable, Equatable {
    let id: String
    let name: String
    /// ISO 3166-1 alpha-2.
    let countryCode: String

    static let all: [DataCenter] = [
        DataCenter(id: "US-KS-2", name: "US Kansas 2", countryCode: "US"),
        DataCenter(id: "US-TX-3", name: "US Texas 3", countryCode: "US"),
        DataCenter(id: "EU-RO-1", name: "EU Romania 1", countryCode: "RO"),
        DataCenter(id: "EU-SE-1", name: "EU Sweden 1", countryCode: "SE"),
    ]

    /// Where a pod goes when the request names no data center.
    static let defaultPlacement = all[0]
}
