/// A pod of an attached pool as the last list showed it, with its pool's spec.
public struct AttachCandidate: Sendable, Equatable {
    public var spec: PoolSpec
    public var pod: ObservedPod

    public init(spec: PoolSpec, pod: ObservedPod) {
        self.spec = spec
        self.pod = pod
    }
}
