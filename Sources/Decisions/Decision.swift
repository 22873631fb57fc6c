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
    /// RunPod pods the demand wants (within `maxReplicas`) that `maxCostPerHour`
    /// does not buy at the pod price; 0 within budget or while the price is unknown.
    public var overBudget: Int

    public init(
        thresholdActive: Bool, wanted: Int, burst: Int, reason: String, memory: PolicyMemory, overBudget: Int = 0
    ) {
        self.thresholdActive = thresholdActive
        self.wanted = wanted
        self.burst = burst
        self.reason = reason
        self.memory = memory
        self.overBudget = overBudget
    }

    /// What IsActive answers: the pool wants burst capacity now.
    public var wantsBurst: Bool { burst > 0 }
}
