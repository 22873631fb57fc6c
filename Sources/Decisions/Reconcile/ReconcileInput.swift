import Foundation

/// Everything `ReconcilePlanner.plan` decides from, for one pool.
public struct ReconcileInput: Sendable {
    public var pool: PoolSpec
    /// Pods wanted (standalone: the policy's burst; Kubernetes: spec.replicas).
    public var desired: Int
    /// The pool's pods from the last list.
    public var pods: [ObservedPod]
    /// When that list was taken.
    public var listedAt: Date
    public var expectations: [CreateExpectation]
    /// Pod ids whose terminate was sent and that the list still shows.
    public var terminating: Set<String>
    /// Offerings that answered "no capacity", skipped until the date.
    public var unavailableUntil: [Offering: Date]
    /// USD per hour of one pod of each offering (catalog price × gpuCount).
    public var prices: [Offering: Double]
    /// Whether `prices` were read in this pass: a pool with `maxCostPerHour`
    /// creates only at current prices, as RunPod bills a pod at the price of
    /// its create.
    public var pricesCurrent: Bool
    /// 429 or 5xx: no creates before this.
    public var createsBlockedUntil: Date?
    /// 401/403/402: why creates are stopped; nil when they are not.
    public var createsStopped: String?
    /// The pool is being deleted: its pods go with reason `poolDeleted`.
    public var deleting: Bool
    public var now: Date

    /// The pods the plan aims for: desired, capped at `maxReplicas`.
    public var target: Int { max(0, min(desired, pool.maxReplicas)) }

    public init(
        pool: PoolSpec, desired: Int, pods: [ObservedPod], listedAt: Date, expectations: [CreateExpectation] = [],
        terminating: Set<String> = [], unavailableUntil: [Offering: Date] = [:], prices: [Offering: Double],
        pricesCurrent: Bool = true, createsBlockedUntil: Date? = nil, createsStopped: String? = nil,
        deleting: Bool = false, now: Date
    ) {
        self.pool = pool
        self.desired = desired
        self.pods = pods
        self.listedAt = listedAt
        self.expectations = expectations
        self.terminating = terminating
        self.unavailableUntil = unavailableUntil
        self.prices = prices
        self.pricesCurrent = pricesCurrent
        self.createsBlockedUntil = createsBlockedUntil
        self.createsStopped = createsStopped
        self.deleting = deleting
        self.now = now
    }
}
