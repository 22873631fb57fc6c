/// Something the machine decided or learned that the executor logs, counts
/// or records as a Kubernetes Event. Reports carry no instructions.
public enum ReconcileReport: Sendable, Equatable {
    /// A pool was planned: its status for `/readyz`, metrics and the
    /// RunPodPool status, and each of its offerings with whether it is skipped
    /// after a no-capacity answer (every offering is reported, so alerts can rely on the series).
    case planned(PoolID, PoolReconcileStatus, unavailable: [Offering: Bool])
    /// The pool's one-line plan summary changed.
    case summary(PoolID, String)
    case created(pool: PoolID, name: String, podId: String, offering: Offering)
    /// `result` is the pod_creations_total label: no_capacity, answer_lost or error.
    case createFailed(pool: PoolID, name: String, offering: Offering, result: String, failure: ReconcileFailure)
    case terminated(pool: PoolID?, podId: String, name: String, reason: TerminationReason)
    case terminateFailed(pool: PoolID?, podId: String, name: String, failure: ReconcileFailure)
    /// Dry run: what would have been sent.
    case wouldSend(ReconcileCommand)
    case listFailed(ReconcileFailure)
    case catalogFailed(ReconcileFailure)
    /// The pods a list showed with our prefix whose pool no longer exists (not
    /// terminated); reported after every list once the pools are known.
    case orphans(count: Int)
    /// Creates stopped for the account (reported once per stop).
    case accountStopped(reason: String)
    /// The pass ended after a list: per pool, pods that are not terminated,
    /// pods RUNNING, and the price of one pod of the first offering.
    case passFinished(pods: [PoolID: Int], running: [PoolID: Int], prices: [PoolID: Double])
    /// A pool being deleted has nothing left: this pass's list shows none of
    /// its pods and no create of it may still appear. Its finalizer may go.
    case poolDrained(PoolID)

    /// The request budget at the end of a pass: calls left, and calls it could not cover (by operation label:
    /// `list`, `catalog`, `create`, `delete`), which wait for a later pass.
    case budget(remaining: Int, deferred: [String: Int])

}
