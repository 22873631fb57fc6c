import Decisions
import Foundation
import RunPodAPI

extension RunPodRateLimit {
    /// The headers as the reconcile machine's budget reads them, timed on the reconciler's clock (`now`: just
    /// after the answer) so the budget's arithmetic never mixes two clocks.
    func reading(at now: Date) -> RateLimitReading {
        RateLimitReading(
            limit: limit, windowSeconds: windowSeconds, remaining: remaining, resetSeconds: resetSeconds,
            observedAt: now)
    }
}
