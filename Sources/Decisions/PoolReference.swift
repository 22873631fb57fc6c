/// The `pool` of trigger metadata: `name`, or `namespace/name` for a pool in
/// another namespace than the ScaledObject's.
public struct PoolReference: Sendable, Equatable {
    public var namespace: String?
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }
}
