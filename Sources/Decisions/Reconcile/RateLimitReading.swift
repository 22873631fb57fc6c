import Foundation

/// What RunPod's last answer said about the key's quota (its `RateLimit` headers), as the budget needs it.
/// The executor reads it from its client; the machine never parses headers.
public struct RateLimitReading: Sendable, Equatable {
    /// Calls allowed per window, when the answer gave its policy.
    public var limit: Int?
    /// The window in seconds, when the answer gave its policy.
    public var windowSeconds: Double?
    /// Calls left in the current window.
    public var remaining: Int
    /// Seconds until the window resets.
    public var resetSeconds: Double
    /// When the answer arrived.
    public var observedAt: Date

    public init(limit: Int?, windowSeconds: Double?, remaining: Int, resetSeconds: Double, observedAt: Date) {
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.observedAt = observedAt
    }
}
