import Decisions
import RunPodAPI

extension RunPodRateLimit {
    /// The headers as the reconcile machine's budget reads them.
    var reading: RateLimitReading {
        RateLimitReading(
            limit: limit, windowSeconds: windowSeconds, remaining: remaining, resetSeconds: resetSeconds,
            observedAt: observedAt)
    }
}
