/// A pool's identity: the namespace of its workers and its name.
public struct PoolID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// `namespace/name`, the form trigger metadata and errors use.
    public var description: String { "\(namespace)/\(name)" }

    public static func < (lhs: PoolID, rhs: PoolID) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
