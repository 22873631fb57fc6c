/// What one reconcile pass works from, read by the executor when the pass starts.
public struct ReconcilePassRequest: Sendable, Equatable {
    public var pools: [PoolSpec]
    /// Pods wanted per pool; a pool missing here is held as it is (no decision,
    /// for example while the demand source is stale).
    public var desired: [PoolID: Int]
    /// Whether this replica may create and terminate (the leader, in Kubernetes mode).
    public var mayAct: Bool
    /// Whether the set of pools is known (Kubernetes mode: the cluster was read);
    /// until then no pod is treated as an orphan.
    public var poolsKnown: Bool
    /// Pools being deleted (Kubernetes mode: deletionTimestamp set): desired 0
    /// whatever `desired` says, and `poolDrained` once nothing of theirs is left.
    public var deleting: Set<PoolID>
    /// Attach: RUNNING pods whose tunnel was not up within `attach.timeoutSeconds` (the `TunnelMachine`'s
    /// `failed`): they count as failed, so they are terminated (reason `failed`) and replaced.
    public var tunnelFailed: Set<String>

    public init(
        pools: [PoolSpec], desired: [PoolID: Int], mayAct: Bool = true, poolsKnown: Bool = true,
        deleting: Set<PoolID> = [], tunnelFailed: Set<String> = []
    ) {
        self.pools = pools
        self.desired = desired
        self.mayAct = mayAct
        self.poolsKnown = poolsKnown
        self.deleting = deleting
        self.tunnelFailed = tunnelFailed
    }
}
