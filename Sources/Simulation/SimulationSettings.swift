import Decisions

/// The closed loop's model, every part configurable (`simulate --config`).
public struct SimulationSettings: Sendable, Equatable {
    /// The burst pool, as the autoscaler would run it.
    public var pool: PoolSpec
    /// Local A100 GPUs (one worker each), always on.
    public var localGPUs = 4
    /// What one local server costs a month, and how many GPUs it has.
    public var localServerDollarsPerMonth = 500.0
    public var localGPUsPerServer = 2
    /// How long one job takes on one worker.
    public var serviceSeconds = Distribution.lognormal(mean: 20, p95: 45)
    /// How often the demand source is read, and the window of the p95 query (`rate(...[5m])`).
    public var pollSeconds = 30.0
    public var latencyWindowSeconds = 300.0
    /// The window of the arrival-rate query (`rate(offsets[2m])`), for the rate mode.
    public var arrivalRateWindowSeconds = 120
    /// How often the reconciler passes.
    public var reconcileSeconds = 5.0
    /// USD per hour of one GPU of each type, per cloud alike (the catalog).
    public var gpuPrices: [String: Double] = [
        "NVIDIA RTX 6000 Ada Generation": 0.69, "NVIDIA L40S": 0.79,
    ]
    /// RunPod's pod lifecycle: PROVISIONING, then STARTING, then RUNNING.
    public var provisioningSeconds = Distribution.lognormal(mean: 45, p95: 90)
    public var startingSeconds = Distribution.lognormal(mean: 20, p95: 40)
    /// GPUs free per GPU type (all clouds); absent: unlimited.
    public var capacity: [String: Int] = [:]
    /// Windows (seconds from the start) in which a GPU type has no capacity at all.
    public var noCapacity: [NoCapacityWindow] = []
    /// Share of creates whose answer is lost (the pod is made anyway half the time).
    public var createFailureShare = 0.0
    /// The cost table's monthly figures for rented fleets assume they run this share of the month.
    public var costTableUtilization = 0.5
    /// The "before" comparator: rented GPUs at this price, interrupted at this rate.
    public var before = BeforeComparator()

    public init(pool: PoolSpec) {
        self.pool = pool
    }
}
