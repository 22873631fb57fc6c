/// Which rule sizes a pool.
public enum ScalingMode: String, Sendable, CaseIterable {
    /// The design's rule: `queue / jobsPerWorker + 1` workers while active,
    /// lowered only after the queue has been empty for `scaleDownIdleSeconds`.
    case queue
    /// Sized from the arrival rate and the service time (`λ × S / utilization`)
    /// plus what clears the backlog within `drainSeconds`, lowered only after
    /// it has wanted fewer for `lowerAfterSeconds` without a break.
    case rate
}
