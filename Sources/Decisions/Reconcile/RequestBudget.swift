import Foundation

/// The RunPod calls the reconciler may still make: one budget for the whole account key, all pools together.
///
/// Our own calls are counted over a sliding window (at most `limit` in any `windowSeconds`), which stays under
/// the quota whether the service counts in fixed or sliding windows. When answers carry `RateLimit` headers the
/// service's count also binds: it sees calls this process did not make (`pods`, another tool on the key).
/// A 429 empties the budget until its `Retry-After` has passed.
public struct RequestBudget: Sendable, Equatable {
    /// Calls per window: the configured quota until an answer names its own.
    public private(set) var limit: Int
    public private(set) var windowSeconds: Double
    /// When our calls of the last window were made, oldest first.
    private var sent: [Date] = []
    /// What the service last said is left, and until when that holds.
    private var serverRemaining: Int?
    private var serverResetsAt: Date?
    /// A 429 said: nothing before this.
    private var refusedUntil: Date?
    /// The newest reading applied, so an older one (a call without headers reusing it) is not applied twice.
    private var lastReadingAt: Date?

    /// - Parameters:
    ///   - limit: calls per window when the service does not say (at least 1).
    ///   - windowSeconds: the window (RunPod's documented quota is per minute).
    public init(limit: Int, windowSeconds: Double = 60) {
        self.limit = max(1, limit)
        self.windowSeconds = max(1, windowSeconds)
    }

    /// Calls that may be made at `now` without the service refusing them.
    public func available(at now: Date) -> Int {
        if let refusedUntil, refusedUntil > now { return 0 }
        let windowStart = now.addingTimeInterval(-windowSeconds)
        let own = limit - sent.filter { $0 > windowStart }.count
        if let serverRemaining, let serverResetsAt, serverResetsAt > now {
            return max(0, min(own, serverRemaining))
        }
        return max(0, own)
    }

    /// Takes one call from the budget; false (and nothing taken) when there is none left.
    public mutating func spend(at now: Date) -> Bool {
        guard available(at: now) > 0 else { return false }
        let windowStart = now.addingTimeInterval(-windowSeconds)
        sent.removeAll { $0 <= windowStart }
        sent.append(now)
        if let remaining = serverRemaining { serverRemaining = remaining - 1 }
        return true
    }

    /// The call in flight was answered at `now`: from here on it counts from its answer, not from when it was
    /// sent. The service counted it somewhere in between, so a window measured from the answer never ends
    /// before the service's does.
    public mutating func settle(at now: Date) {
        guard let last = sent.indices.last, sent[last] < now else { return }
        sent[last] = now
    }

    /// The service's own count: what is left, and when its window resets (and the policy, when given).
    public mutating func observe(_ reading: RateLimitReading) {
        if let lastReadingAt, reading.observedAt <= lastReadingAt { return }
        lastReadingAt = reading.observedAt
        if let quota = reading.limit, quota > 0 { limit = quota }
        if let window = reading.windowSeconds, window > 0 { windowSeconds = window }
        serverRemaining = reading.remaining
        serverResetsAt = reading.observedAt.addingTimeInterval(reading.resetSeconds)
    }

    /// A 429: no call before `retryAfterSeconds` have passed.
    public mutating func refused(retryAfterSeconds: Double, at now: Date) {
        let until = now.addingTimeInterval(max(0, retryAfterSeconds))
        refusedUntil = max(refusedUntil ?? until, until)
    }
}
