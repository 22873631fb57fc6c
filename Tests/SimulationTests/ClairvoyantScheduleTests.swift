import Decisions
import Testing

@testable import Simulation

/// The clairvoyant reference: pods asked for one lead time ahead, kept through short dips.
@Suite struct ClairvoyantScheduleTests {
    static func settings() -> SimulationSettings {
        var settings = ClosedLoopTests.settings(localGPUs: 2)
        settings.serviceSeconds = .lognormal(mean: 10, p95: 16)
        settings.provisioningSeconds = .fixed(50)
        settings.startingSeconds = .fixed(5)
        settings.reconcileSeconds = 5
        return settings
    }

    /// 60 steps of 60 s: quiet, then 60 jobs a minute for steps 20–29, a 1-step dip at 25.
    static let trace = Trace(
        name: "step", stepSeconds: 60,
        arrivals: (0..<60).map { step in (20..<30).contains(step) && step != 25 ? 60 : 0 })

    @Test func asksOneLeadTimeAhead() {
        let settings = Self.settings()
        let schedule = ClairvoyantSchedule(trace: Self.trace, settings: settings, local: 2, cap: 6)
        #expect(schedule.leadSeconds == 60)
        // Step 20 starts at 1,200 s; its neighbours' average already asks at step 18 (centred 5-step rate).
        let atPeak = schedule.desired(at: 22 * 60)
        #expect(atPeak > 0)
        #expect(schedule.desired(at: 17 * 60 - 61) == 0)
        #expect(schedule.desired(at: 18 * 60 - 60) > 0, "asked for a lead time before the first step that needs it")
    }

    /// Peaks at steps 10–19 and 27–36: the centred rate is zero only at steps 22–24, a 180 s gap.
    static let gap = Trace(
        name: "gap", stepSeconds: 60,
        arrivals: (0..<50).map { step in (10..<20).contains(step) || (27..<37).contains(step) ? 60 : 0 })

    @Test func keepsPodsThroughAGapShorterThanTheLead() {
        var slow = Self.settings()
        slow.provisioningSeconds = .fixed(300)
        let bridging = ClairvoyantSchedule(trace: Self.gap, settings: slow, local: 2, cap: 6)
        #expect(bridging.leadSeconds == 310)
        let short = ClairvoyantSchedule(trace: Self.gap, settings: Self.settings(), local: 2, cap: 6)
        for second in stride(from: 22 * 60, to: 25 * 60, by: 10) {
            #expect(bridging.desired(at: Double(second)) > 0, "at \(second) s")
        }
        #expect(short.desired(at: 22 * 60) == 0, "a 60 s lead lets the pods go in a 180 s gap")
    }

    @Test func staffsTheSLOBeyondTheLocalGPUsWithinTheCap() {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        let flat = Trace(name: "flat", stepSeconds: 60, arrivals: Array(repeating: 60, count: 10))
        let wide = ClairvoyantSchedule(trace: flat, settings: Self.settings(), local: 2, cap: 100)
        #expect(wide.desired(at: 300) == staffing.workers(arrivalsPerSecond: 1) - 2)
        let capped = ClairvoyantSchedule(trace: flat, settings: Self.settings(), local: 2, cap: 3)
        #expect(capped.desired(at: 300) == 3)
        #expect(wide.desired(at: 10 * 60 + 1) == 0, "after the trace")
    }

    @Test func runsInTheClosedLoopAndServesEveryJob() {
        let settings = Self.settings()
        let result = Simulator.run(trace: Self.trace, settings: settings, seed: 7)
        let clairvoyant = result.strategies.first { $0.name == "clairvoyant" }
        #expect(clairvoyant != nil)
        guard let totals = clairvoyant?.totals else { return }
        #expect(totals.creates > 0)
        #expect(totals.jobsServed == totals.jobsArrived)
        #expect(totals.burstDollars >= result.bounds[0].burstDollars)
    }
}
