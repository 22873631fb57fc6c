import Decisions
import KubeClient
import Primitives

/// One RunPodPool object as the autoscaler uses it.
public struct ClusterPool: Sendable, Equatable {
    public var spec: PoolSpec
    /// `spec.replicas`: what the HPA (through /scale) or a person asks for.
    public var replicas: Int
    public var generation: Int
    /// apiVersion, kind and metadata (name, namespace, uid): for Events.
    public var reference: JSONValue
    /// `status.replicas` and `status.readyReplicas` as the leader last wrote
    /// them: the pod counts of a replica that does not call RunPod itself.
    public var statusPods: Int?
    public var statusRunning: Int?
    /// `status.decision`: what the leader last decided and served.
    public var published: PublishedDecision?

    /// Pods the reconciler should have: `spec.replicas` clamped to `maxReplicas`.
    public var desired: Int { max(0, min(replicas, spec.maxReplicas)) }
}
