import Decisions
import Foundation
import RunPodEmulator
import Testing

@testable import Autoscaler

/// The executor feeds the RunPod answers' RateLimit headers to the machine's budget.
@Suite(.serialized) struct ReconcilerBudgetTests {
    typealias H = ReconcilerHarness

    @Test func theEmulatorsHeadersReplaceTheConfiguredBudget() async throws {
        var emulator = EmulatorConfiguration()
        emulator.rateLimitPerMinute = 10
        emulator.capacity[H.ada.gpuTypeId] = ["SECURE": 100]
        // The reconciler is configured for 60 a minute; the service's headers say 10.
        let h = try await H(emulator: emulator)
        h.setDesired(18)
        await h.step()
        // The catalog, the list, then 8 creates: the service's 10, not the configured 60.
        #expect(h.pods.count == 8)
        #expect(h.emulator.rateLimitedCount == 0)
        let calls = h.emulator.callCounts.values.reduce(0, +)
        #expect(calls == 10)
        await h.step()
        #expect(h.emulator.callCounts.values.reduce(0, +) == calls, "nothing is sent while the budget is spent")
        await h.step(60)
        // The pool has a budget: it creates only at prices read in the same pass.
        #expect(h.pods.count == 16, "a new window: the list, the catalog and 8 creates")
        #expect(h.emulator.rateLimitedCount == 0)
        await h.shutdown()
    }
}
