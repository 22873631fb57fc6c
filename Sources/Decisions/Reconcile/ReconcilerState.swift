import Foundation

/// What the reconcile machine carries between passes. It lives in memory
/// only, by design: everything a restart loses is rebuilt from the next list
/// (pods are adopted by name), at the price of one cautious pass.
public struct ReconcilerState: Sendable, Equatable {
    /// Creates sent whose pod no list has shown yet, per pool.
    public var expectations: [PoolID: [CreateExpectation]] = [:]
    /// Pods whose terminate was sent and that the last list still showed.
    public var terminating: Set<String> = []
    /// Offerings that answered "no capacity", skipped until the date.
    public var unavailableUntil: [Offering: Date] = [:]
    /// 429 or backoff: no creates before this.
    public var blockedUntil: Date?
    /// The current create backoff (5 s doubling to 300 s; 0 after a success).
    public var backoffSeconds: Double = 0
    /// 401/403/402: why creates are stopped, and until when.
    public var stoppedReason: String?
    public var stoppedUntil: Date?
    /// When each orphan pod was first listed.
    public var orphanFirstSeen: [String: Date] = [:]
    /// The orphan grace of every pool seen, so a deleted pool's pods get its own grace.
    public var knownPoolGrace: [PoolID: Double] = [:]
    /// USD per hour of one GPU of each offering, from the catalog.
    public var gpuPrices: [Offering: Double] = [:]
    /// When the catalog was read (moved back after a failure, to retry sooner).
    public var catalogAt: Date?
    /// After a failed catalog read, no read for a create before this.
    public var catalogRetryAt: Date?
    /// The hash of the last summary logged per pool (each is logged when it changes): kept as text,
    /// 1,000 pools' summaries were 100 KB for a comparison.
    public var lastSummary: [PoolID: Int] = [:]
    /// The last list failure, cleared by a good list.
    public var lastListError: String?
    /// When the last good list was started.
    public var lastListAt: Date?
    /// The RunPod calls left, all pools together (nil: not counted).
    public var budget: RequestBudget?
    /// The pool whose create the budget deferred first: the next pass's round robin of creates starts there.
    public var createTurn: PoolID?
    /// The last plan's view of each pool.
    public var status: [PoolID: PoolReconcileStatus] = [:]

    public init() {}

    /// Why creates are stopped now, if they are.
    public func stopped(at now: Date) -> String? {
        guard let until = stoppedUntil, until > now else { return nil }
        return stoppedReason
    }
}
