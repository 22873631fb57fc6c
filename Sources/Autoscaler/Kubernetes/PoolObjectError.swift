/// A RunPodPool object that cannot be used: which pool, which field, why.
public struct PoolObjectError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pool: String
    public var field: String
    public var reason: String

    public var description: String { "RunPodPool \(pool): \(field): \(reason)" }
}
