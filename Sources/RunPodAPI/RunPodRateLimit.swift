import Foundation

/// What one RunPod answer said about the key's request quota, read from its headers: the IETF
/// httpapi-ratelimit-headers fields (`RateLimit-Policy: "minute";q=60;w=60` and `RateLimit: "minute";r=12;t=35`)
/// or the older draft's trio (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`).
///
/// When several policies are given (a minute, an hour and a day quota), the one with the fewest calls left is
/// kept: that is the one the next call would run into.
public struct RunPodRateLimit: Sendable, Equatable {
    /// The policy's name (`default`, `minute`...), when the answer named one.
    public var policy: String?
    /// Calls allowed per window (`q`, or `RateLimit-Limit`), when known.
    public var limit: Int?
    /// The window in seconds (`w`), when known.
    public var windowSeconds: Double?
    /// Calls left in the current window (`r`, or `RateLimit-Remaining`).
    public var remaining: Int
    /// Seconds until the window resets and `remaining` goes back to `limit` (`t`, or `RateLimit-Reset`).
    public var resetSeconds: Double
    /// When the answer arrived.
    public var observedAt: Date

    public init(
        policy: String? = nil, limit: Int? = nil, windowSeconds: Double? = nil, remaining: Int,
        resetSeconds: Double, observedAt: Date
    ) {
        self.policy = policy
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.remaining = remaining
        self.resetSeconds = resetSeconds
        self.observedAt = observedAt
    }
}
