/// Typed reads of one pool's fields by path relative to the pool
/// (`template.gpuCount`), whatever the pool is written in: nil when a field
/// is absent, the source's own error when it has the wrong type.
public protocol PoolFieldSource {
    associatedtype Failure: Error
    mutating func string(_ field: String) throws(Failure) -> String?
    mutating func int(_ field: String) throws(Failure) -> Int?
    mutating func double(_ field: String) throws(Failure) -> Double?
    mutating func bool(_ field: String) throws(Failure) -> Bool?
    mutating func strings(_ field: String) throws(Failure) -> [String]?
    mutating func stringMap(_ field: String) throws(Failure) -> [String: String]?
    /// A list of small records (`[{remotePort: 9092, to: "host:9092"}]`): each item's `keys`, as text.
    mutating func records(_ field: String, keys: [String]) throws(Failure) -> [[String: String]]?
}
