/// The per-pool numbers of the scaling math and the reconciler's timers.
/// Defaults are the platform's spec (DESIGN.md, "Scaling math").
public struct ScalingSettings: Sendable, Equatable {
    /// Queue entries one worker is expected to handle.
    public var jobsPerWorker: Int = 10
    /// The pool is active when the queue is deeper than this.
    public var activationQueueDepth: Int = 5
    /// ...or when p95 job latency is above this many seconds.
    public var latencySLOSeconds: Double = 30
    /// Burst is only lowered after the queue has been empty this long.
    public var scaleDownIdleSeconds: Double = 60
    /// Pods not RUNNING this long after creation are replaced.
    public var provisionTimeoutSeconds: Double = 600
    /// A GPU type × cloud that answered "no capacity" is skipped this long.
    public var unavailableOfferingSeconds: Double = 180
    /// Pods of a pool that no longer exists are terminated after this long.
    public var orphanGraceSeconds: Double = 300
    /// Which rule sizes the pool: `queue` (the design's) or `rate`.
    public var mode: ScalingMode = .queue
    /// The rate rule: mean seconds one job takes on one worker.
    public var serviceSeconds: Double = 20
    /// The rate rule: the share of each worker's time it plans to keep busy.
    public var targetUtilization: Double = 0.8
    /// The rate rule: a backlog is sized to be cleared within this long.
    public var drainSeconds: Double = 120
    /// The rate rule: a lower burst waits until it has been wanted this long
    /// without a break, so a lull shorter than a pod's provisioning-plus-idle
    /// cost neither terminates pods nor pays for new ones minutes later.
    public var lowerAfterSeconds: Double = 300
    /// The rate rule: the 95th percentile of one job's time. When set, the
    /// pool is sized for the latency SLO (M/G/c staffing) instead of by
    /// `targetUtilization`.
    public var serviceP95Seconds: Double?
    /// The rate rule: the window of the arrival-rate query (`rate(…[5m])`: 300).
    /// A rate counted over it is noisy by √(λ/window).
    public var arrivalWindowSeconds: Double = 300
    /// The rate rule: the burst is lowered only when the arrival rate plus
    /// this many standard deviations of that noise wants fewer, so a lull
    /// that is only counting noise neither releases pods nor pays for new ones.
    public var lowerMarginSigmas: Double = 2

    public init() {}
}
