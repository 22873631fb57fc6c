import Decisions
import Foundation

/// Everything the observers have published: what decisions are made from.
public struct ScalerInputs: Sendable {
    public var pools: [PoolSpec]
    public var demand: SourceStatus
    public var local: LocalCapacity
    /// RunPod pods that exist per pool (any status but terminated).
    public var runpodPods: [PoolID: Int] = [:]
    /// RunPod pods per pool that are RUNNING and so serve the queue.
    public var runpodRunning: [PoolID: Int] = [:]
    /// Price of one pod of the pool's first offering, when the catalog is known.
    public var podPrices: [PoolID: Double] = [:]
    public var staleAfterSeconds: Double
    /// Kubernetes mode: the RunPodPool objects the pools came from.
    public var clusterPools: [PoolID: ClusterPool] = [:]
    /// Kubernetes mode: when the cluster was last read successfully; nil: never,
    /// so the pools are not known yet.
    public var clusterReadAt: Date?
    /// Kubernetes mode: why the last read of the cluster failed, if it did.
    public var clusterError: String?
    /// Kubernetes mode: another replica leads; while its published decisions
    /// are fresh, this replica serves them and reads pods from the status.
    public var followedLeader: FollowedLeader?

    public init(pools: [PoolSpec], demand: SourceStatus, local: LocalCapacity, staleAfterSeconds: Double) {
        self.pools = pools
        self.demand = demand
        self.local = local
        self.staleAfterSeconds = staleAfterSeconds
    }
}
