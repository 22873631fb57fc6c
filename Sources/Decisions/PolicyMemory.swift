import Foundation

/// What the policy carries from one decision to the next for a pool.
public struct PolicyMemory: Sendable, Equatable {
    /// The burst decided last time.
    public var burst: Int = 0
    /// The last time the queue was seen non-empty; nil: never.
    public var lastBusyAt: Date?
    /// The rate rule: since when it has wanted fewer pods than `burst`, without a break.
    public var lowerSince: Date?

    public init(burst: Int = 0, lastBusyAt: Date? = nil, lowerSince: Date? = nil) {
        self.burst = burst
        self.lastBusyAt = lastBusyAt
        self.lowerSince = lowerSince
    }
}
