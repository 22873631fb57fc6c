/// A configuration problem: where (file or origin, and key) and why.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The file, flag or environment variable the value came from.
    public var origin: String
    /// The key, e.g. `pools[0].scaling.jobsPerWorker`.
    public var key: String
    public var reason: String

    public init(origin: String, key: String, reason: String) {
        self.origin = origin
        self.key = key
        self.reason = reason
    }

    public var description: String {
        key.isEmpty ? "\(origin): \(reason)" : "\(origin): \(key): \(reason)"
    }
}
