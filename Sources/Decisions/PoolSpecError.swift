/// Why a pool cannot be used: the field, relative to the pool (`template.clouds`,
/// `scaling.jobsPerWorker`, `name`), and the reason. Each source prefixes the field
/// with where the pool came from (`pools[0].` in the config file, `spec.` in a
/// RunPodPool object); the reason reads the same from both.
public struct PoolSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
