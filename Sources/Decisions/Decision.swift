/// The policy's answer for one pool.
public struct Decision: Sendable, Equatable {
    /// The activation thresholds are crossed (queue or latency).
    public var thresholdActive: Bool
    /// Workers the queue needs in all, local and RunPod.
    public var wanted: Int
    /// RunPod pods wanted now, after local capacity, caps and scale-down hold.
    public var burst: Int
    /// Why, in one line for logs.
    public var reason: String
    /// Carried to the next decision.
    public var memory: PolicyMemory

    public init(thresholdActive: Bool, wanted: Int, burst: Int, reason: String, memory: PolicyMemory) {
        self.thresholdActive = thresholdActive
        self.wanted = wanted
        self.burst = burst
        self.reason = reason
        self.memory = memory
    }

    /// What IsActive answers: the pool wants burst capacity now.
    public var wantsBurst: Bool { burst > 0 }
}
