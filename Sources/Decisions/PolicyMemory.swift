import Foundation

/// What the policy carries from one decision to the next for a pool.
public struct PolicyMemory: Sendable, Equatable {
    /// The burst decided last time.
    public var burst: Int = 0
    /// The last time the queue was seen non-empty; nil: never.
    public var lastBusyAt: Date?

    public init(burst: Int = 0, lastBusyAt: Date? = nil) {
        self.burst = burst
        self.lastBusyAt = lastBusyAt
    }
}
