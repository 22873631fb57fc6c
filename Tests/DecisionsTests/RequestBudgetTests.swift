import Foundation
import Testing

@testable import Decisions

/// The request budget alone, on a hand-moved clock.
@Suite struct RequestBudgetTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func noWindowOfTheLimitsLengthHoldsMoreThanLimitCalls() {
        var budget = RequestBudget(limit: 3)
        #expect(budget.available(at: t0) == 3)
        let spent = [0, 10, 20, 30].map { budget.spend(at: t0.addingTimeInterval($0)) }
        #expect(spent == [true, true, true, false], "a fourth call in the window would be refused")
        #expect(budget.available(at: t0.addingTimeInterval(59.9)) == 0)
        // Each call frees its place 60 s after it was made.
        #expect(budget.available(at: t0.addingTimeInterval(60)) == 1)
        let again = budget.spend(at: t0.addingTimeInterval(60))
        #expect(again)
        #expect(budget.available(at: t0.addingTimeInterval(61)) == 0)
        #expect(budget.available(at: t0.addingTimeInterval(80)) == 2)
    }

    @Test func theServicesHeadersOverrideOurCount() {
        var budget = RequestBudget(limit: 60)
        _ = budget.spend(at: t0)
        // Another client of the key spent most of the window.
        budget.observe(
            RateLimitReading(limit: 100, windowSeconds: 30, remaining: 2, resetSeconds: 12, observedAt: t0))
        #expect(budget.limit == 100)
        #expect(budget.windowSeconds == 30)
        #expect(budget.available(at: t0.addingTimeInterval(1)) == 2)
        #expect(budget.available(at: t0.addingTimeInterval(12)) == 99, "reset when the service said; ours still counts")
        // A reading no newer than the last one applied (a call without headers) changes nothing.
        _ = budget.spend(at: t0.addingTimeInterval(1))
        budget.observe(
            RateLimitReading(limit: 100, windowSeconds: 30, remaining: 2, resetSeconds: 12, observedAt: t0))
        #expect(budget.available(at: t0.addingTimeInterval(2)) == 1)
    }

    @Test func aCallCountsFromItsAnswer() {
        var budget = RequestBudget(limit: 1)
        let sent = budget.spend(at: t0)
        #expect(sent)
        // A slow answer: the service may have counted the call as late as this.
        budget.settle(at: t0.addingTimeInterval(3))
        #expect(budget.available(at: t0.addingTimeInterval(60)) == 0)
        #expect(budget.available(at: t0.addingTimeInterval(63)) == 1)
    }

    @Test func a429StopsEveryCallUntilRetryAfter() {
        var budget = RequestBudget(limit: 60)
        budget.refused(retryAfterSeconds: 30, at: t0)
        #expect(budget.available(at: t0.addingTimeInterval(29)) == 0)
        let early = budget.spend(at: t0.addingTimeInterval(29))
        #expect(!early)
        #expect(budget.available(at: t0.addingTimeInterval(30)) == 60)
    }
}
