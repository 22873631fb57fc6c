import Decisions

/// Something worth a Kubernetes Event on the pool's RunPodPool.
public struct PoolEvent: Sendable, Equatable {
    public var pool: PoolID
    /// `Normal` or `Warning`.
    public var type: String
    /// CamelCase, e.g. `PodCreated`, `NoCapacity`.
    public var reason: String
    public var message: String
}
