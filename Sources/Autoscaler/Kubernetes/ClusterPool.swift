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
    /// `status.podPricePerHour`: the leader's price of one pod, so a replica deciding alone still caps the
    /// burst at `maxCostPerHour`.
    public var statusPodPrice: Double?
    /// `status.decision`: what the leader last decided and served.
    public var published: PublishedDecision?
    /// `metadata.finalizers`, ours (`PoolFinalizer.name`) and others'.
    public var finalizers: [String] = []
    /// `metadata.deletionTimestamp` is set: the object is being deleted and
    /// stays until its finalizers are removed.
    public var deleting = false
    /// Attach: the host key pinned for each pod (`status.tunnels[].hostKey`, by pod id), as the leader last
    /// wrote them: a new leader checks them instead of trusting whatever key a pod shows next.
    public var pinnedHostKeys: [String: String] = [:]

    /// `metadata.uid`: tells a re-created pool of the same name from the one read.
    public var uid: String? { reference["metadata"]["uid"].string }

    /// Pods the reconciler should have: `spec.replicas` clamped to `maxReplicas`.
    public var desired: Int { max(0, min(replicas, spec.maxReplicas)) }

    /// The pods the reconciler works toward: none at all (nil, hold) until the
    /// pool carries our finalizer, so deleting it can never leak a pod, and 0
    /// once it is being deleted. A dry run creates nothing and needs no finalizer.
    public func reconcileDesired(dryRun: Bool) -> Int? {
        if deleting { return 0 }
        return dryRun || finalizers.contains(PoolFinalizer.name) ? desired : nil
    }
}
