import Foundation

/// RunPod's per-key request quota as a fixed window: `limit` calls per `windowSeconds`, counted from the first
/// call of each window. A plain value driven by the caller's clock, like the rest of the core.
struct RateLimitWindow: Sendable, Equatable {
    /// What one call learned: whether it may be served, and the header values to answer with.
    struct Admission: Sendable, Equatable {
        var allowed: Bool
        var remaining: Int
        /// Whole seconds until the window resets (at least 1 while it is open).
        var resetSeconds: Int
    }

    let limit: Int
    let windowSeconds: Double
    private(set) var windowStart: Date?
    private(set) var used = 0

    init(limit: Int, windowSeconds: Double = 60) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// Counts one call at `now`; a call over the quota is refused and not counted.
    mutating func admit(now: Date) -> Admission {
        if let start = windowStart, now.timeIntervalSince(start) < windowSeconds {
            // Still in the open window.
        } else {
            windowStart = now
            used = 0
        }
        let allowed = used < limit
        if allowed { used += 1 }
        let elapsed = now.timeIntervalSince(windowStart ?? now)
        let reset = max(1, Int((windowSeconds - elapsed).rounded(.up)))
        return Admission(allowed: allowed, remaining: max(0, limit - used), resetSeconds: reset)
    }

    /// `RateLimit-Policy` (IETF httpapi-ratelimit-headers): the quota and its window.
    var policyHeader: String { "\"default\";q=\(limit);w=\(Int(windowSeconds))" }

    /// `RateLimit`: what is left of the quota and when it resets.
    static func header(_ admission: Admission) -> String {
        "\"default\";r=\(admission.remaining);t=\(admission.resetSeconds)"
    }
}
