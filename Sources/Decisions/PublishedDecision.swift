import Foundation

/// The leader's decision for one pool as published in the RunPodPool status,
/// so every replica answers KEDA the same: followers serve it while it is
/// fresh, and carry its memory (the hold, the idle timer) if they must decide
/// for themselves.
public struct PublishedDecision: Sendable, Equatable {
    /// The replica (Lease holder identity) that wrote it.
    public var leader: String
    public var publishedAt: Date
    public var decision: Decision
    /// The metric values the leader served with it.
    public var values: [ScalerMetric: Double]

    public init(leader: String, publishedAt: Date, decision: Decision, values: [ScalerMetric: Double]) {
        self.leader = leader
        self.publishedAt = publishedAt
        self.decision = decision
        self.values = values
    }

    /// Whether a follower of `followed` may serve it at `now`: written by the
    /// replica holding the lease, and no older than `staleAfter` seconds.
    public func servable(following followed: FollowedLeader?, now: Date, staleAfter: Double) -> Bool {
        guard let followed, followed.validUntil > now, followed.identity == leader else { return false }
        return now.timeIntervalSince(publishedAt) <= staleAfter
    }
}
