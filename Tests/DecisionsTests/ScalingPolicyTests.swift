import Foundation
import Testing

@testable import Decisions

/// Table-driven tests of the scaling math on a fixed clock.
@Suite struct ScalingPolicyTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func spec(maxReplicas: Int = 20, maxCost: Double? = nil) -> PoolSpec {
        var spec = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        spec.maxReplicas = maxReplicas
        spec.maxCostPerHour = maxCost
        return spec
    }

    static func input(
        queue: Int, p95: Double = 0, local: Int = 0, serving: Int = 0, price: Double? = nil, at seconds: Double = 0
    )
        -> PolicyInput
    {
        let now = t0.addingTimeInterval(seconds)
        return PolicyInput(
            demand: DemandReading(queueDepth: queue, latencyP95Seconds: p95, readAt: now),
            local: LocalCapacity(gpus: local, usedByOthers: 0),
            servingWorkers: serving,
            podPricePerHour: price,
            now: now)
    }

    struct Case: CustomStringConvertible, Sendable {
        var description: String
        var queue: Int
        var p95: Double = 0
        var local: Int = 0
        var serving: Int = 0
        var maxReplicas: Int = 20
        var maxCost: Double? = nil
        var price: Double? = nil
        var active: Bool
        var wanted: Int
        var burst: Int
    }

    static let cases: [Case] = [
        Case(description: "empty queue is inactive", queue: 0, active: false, wanted: 0, burst: 0),
        Case(description: "at the activation depth is still inactive", queue: 5, active: false, wanted: 0, burst: 0),
        Case(description: "just above activation wants one", queue: 6, active: true, wanted: 1, burst: 1),
        Case(description: "integer division plus one", queue: 42, active: true, wanted: 5, burst: 5),
        Case(description: "local GPUs absorb the baseline", queue: 42, local: 4, active: true, wanted: 5, burst: 1),
        Case(description: "local covers everything", queue: 30, local: 4, active: true, wanted: 4, burst: 0),
        Case(description: "maxReplicas caps the burst", queue: 1000, local: 4, active: true, wanted: 101, burst: 20),
        Case(
            description: "cost cap at the pod price", queue: 1000, maxCost: 3.0, price: 0.69, active: true, wanted: 101,
            burst: 4),
        Case(
            description: "zero maxReplicas is the kill switch", queue: 1000, maxReplicas: 0, active: true, wanted: 101,
            burst: 0),
        Case(
            description: "SLO breach activates with an empty queue", queue: 0, p95: 31, local: 4, serving: 4,
            active: true, wanted: 5, burst: 1),
        Case(
            description: "SLO breach adds one over serving", queue: 20, p95: 45, local: 2, serving: 6, active: true,
            wanted: 7, burst: 5),
        Case(
            description: "SLO at the threshold is not a breach", queue: 0, p95: 30, active: false, wanted: 0, burst: 0),
        Case(
            description: "queue wins when larger than the SLO bump", queue: 95, p95: 60, local: 0, serving: 2,
            active: true, wanted: 10, burst: 10),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let decision = ScalingPolicy.decide(
            spec: Self.spec(maxReplicas: c.maxReplicas, maxCost: c.maxCost),
            input: Self.input(queue: c.queue, p95: c.p95, local: c.local, serving: c.serving, price: c.price),
            memory: PolicyMemory())
        #expect(decision.thresholdActive == c.active)
        #expect(decision.wanted == c.wanted)
        #expect(decision.burst == c.burst)
        #expect(decision.wantsBurst == (c.burst > 0))
    }

    @Test func holdsBurstWhileWorkIsQueued() {
        let spec = Self.spec()
        let busy = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 95), memory: PolicyMemory())
        #expect(busy.burst == 10)
        // Demand drops but work is still queued: never scale down.
        let lower = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 12, at: 120), memory: busy.memory)
        #expect(lower.burst == 10)
        #expect(lower.reason.contains("queue not empty"))
        // Scaling up is never held.
        let higher = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 150, at: 121), memory: lower.memory)
        #expect(higher.burst == 16)
    }

    @Test func scalesDownOnlyAfterTheIdlePeriod() {
        let spec = Self.spec()
        let busy = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 95, at: 0), memory: PolicyMemory())
        let emptied = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 0, at: 10), memory: busy.memory)
        #expect(emptied.burst == 10, "queue just emptied: hold")
        #expect(emptied.memory.lastBusyAt == Self.t0, "the last busy time is the last non-empty reading")
        let almost = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 0, at: 59), memory: emptied.memory)
        #expect(almost.burst == 10, "59 s idle < 60 s")
        #expect(almost.reason.contains("idle 59s of 60s"))
        let idle = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 0, at: 60), memory: almost.memory)
        #expect(idle.burst == 0, "60 s idle: scale down")
        #expect(!idle.wantsBurst)
    }

    @Test func aShortBlipRestartsTheIdleClock() {
        let spec = Self.spec()
        var memory = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 95, at: 0), memory: PolicyMemory())
            .memory
        memory = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 0, at: 50), memory: memory).memory
        memory = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 3, at: 55), memory: memory).memory
        let later = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 0, at: 100), memory: memory)
        #expect(later.burst == 10, "busy at 55 s, so only 45 s idle at 100 s")
        let done = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 0, at: 115), memory: later.memory)
        #expect(done.burst == 0)
    }

    /// The fuzz corpus's config with `maxCostPerHour: 1e300`: the budget buys more pods than Int holds.
    @Test func anAbsurdBudgetCutsNothingAndDoesNotTrap() {
        #expect(ScalingPolicy.overBudget(spec: Self.spec(maxCost: 1e300), podPrice: 0.69, wantedBurst: 20) == 0)
        #expect(ScalingPolicy.overBudget(spec: Self.spec(maxCost: 3.0), podPrice: 1e-300, wantedBurst: 20) == 0)
    }

    @Test func theBudgetCutIsCounted() {
        // 101 wanted, 4 local: 97 pods, 20 after maxReplicas; 3.0 USD/h buys 4 at 0.69.
        let cut = ScalingPolicy.decide(
            spec: Self.spec(maxCost: 3.0), input: Self.input(queue: 1000, local: 4, price: 0.69),
            memory: PolicyMemory())
        #expect(cut.burst == 4 && cut.overBudget == 16)
        let within = ScalingPolicy.decide(
            spec: Self.spec(maxCost: 3.0), input: Self.input(queue: 42, local: 1, price: 0.69), memory: PolicyMemory())
        #expect(within.burst == 4 && within.overBudget == 0, "4 pods at 0.69 fit exactly")
        let unknownPrice = ScalingPolicy.decide(
            spec: Self.spec(maxCost: 3.0), input: Self.input(queue: 1000), memory: PolicyMemory())
        #expect(unknownPrice.overBudget == 0, "no price: the budget cuts nothing yet")
        let noCap = ScalingPolicy.decide(
            spec: Self.spec(), input: Self.input(queue: 1000, price: 0.69), memory: PolicyMemory())
        #expect(noCap.overBudget == 0)
        let killSwitch = ScalingPolicy.decide(
            spec: Self.spec(maxReplicas: 0, maxCost: 3.0), input: Self.input(queue: 1000, price: 0.69),
            memory: PolicyMemory())
        #expect(killSwitch.overBudget == 0, "maxReplicas 0 wants nothing the budget could cut")
    }

    @Test func theRateRuleCountsTheBudgetCutToo() {
        var spec = Self.spec(maxCost: 1.5)
        spec.scaling.mode = .rate
        var input = Self.input(queue: 0, price: 0.69)
        input.demand.arrivalsPerSecond = 1
        let decision = ScalingPolicy.decide(spec: spec, input: input, memory: PolicyMemory())
        #expect(decision.burst == 2, "1.5 USD/h buys 2 pods at 0.69")
        #expect(decision.wanted == 25 && decision.overBudget == 18, "1/s × 20 s / 0.8 = 25; 20 after maxReplicas")
    }

    @Test func heldBurstStillRespectsALoweredCap() {
        let busy = ScalingPolicy.decide(
            spec: Self.spec(maxReplicas: 20), input: Self.input(queue: 195), memory: PolicyMemory())
        #expect(busy.burst == 20)
        let capped = ScalingPolicy.decide(
            spec: Self.spec(maxReplicas: 5), input: Self.input(queue: 100, at: 1), memory: busy.memory)
        #expect(capped.burst == 5)
    }

    @Test func customSettingsAreHonoured() {
        var spec = Self.spec()
        spec.scaling.jobsPerWorker = 4
        spec.scaling.activationQueueDepth = 0
        spec.scaling.latencySLOSeconds = 10
        let decision = ScalingPolicy.decide(
            spec: spec, input: Self.input(queue: 9, p95: 11, serving: 1), memory: PolicyMemory())
        #expect(decision.wanted == 3)
        let small = ScalingPolicy.decide(spec: spec, input: Self.input(queue: 1), memory: PolicyMemory())
        #expect(small.wanted == 1, "activation 0: any work activates")
    }

    @Test func burstCapUsesTheCheaperOfTheTwoCaps() {
        #expect(ScalingPolicy.burstCap(spec: Self.spec(maxReplicas: 20, maxCost: 15), podPrice: 0.69) == 20)
        #expect(ScalingPolicy.burstCap(spec: Self.spec(maxReplicas: 20, maxCost: 5), podPrice: 0.99) == 5)
        #expect(ScalingPolicy.burstCap(spec: Self.spec(maxReplicas: 20, maxCost: 5), podPrice: nil) == 20)
        #expect(ScalingPolicy.burstCap(spec: Self.spec(maxReplicas: 20, maxCost: nil), podPrice: 3) == 20)
    }

    /// FuzzConfigLoader: `maxCostPerHour: 1e300` passes validation, and the budget over a 0.69 price trapped
    /// converting to Int.
    @Test func aBudgetBeyondAnyCountLeavesMaxReplicas() {
        #expect(ScalingPolicy.burstCap(spec: Self.spec(maxReplicas: 20, maxCost: 1e300), podPrice: 0.69) == 20)
        #expect(ScalingPolicy.burstCap(spec: Self.spec(maxReplicas: .max, maxCost: 1e300), podPrice: 1e-300) == .max)
    }

    /// FuzzConfigLoader: `local.static.gpus: 9223372036854775807`, and counts next to it, trapped on `+ 1`.
    @Test func extremeCountsHoldAtTheLimitsInsteadOfTrapping() {
        var spec = Self.spec(maxReplicas: .max)
        spec.scaling.jobsPerWorker = 1
        let breached = ScalingPolicy.decide(
            spec: spec, input: Self.input(queue: .max, p95: 1e9, local: .max, serving: .max), memory: PolicyMemory())
        #expect(breached.wanted == .max && breached.burst == 0)
        let queued = ScalingPolicy.decide(spec: spec, input: Self.input(queue: .max), memory: PolicyMemory())
        #expect(queued.wanted == .max && queued.burst == .max)

        spec.scaling.mode = .rate
        spec.scaling.serviceSeconds = 1e300
        var input = Self.input(queue: 40, p95: 1e9, serving: .max)
        input.demand.arrivalsPerSecond = 1e6
        let rate = ScalingPolicy.decide(spec: spec, input: input, memory: PolicyMemory())
        #expect(rate.wanted == .max && rate.burst == .max, "λ × S beyond any count holds at the cap")
    }

    @Test func localCapacityNeverGoesNegative() {
        #expect(LocalCapacity(gpus: 4, usedByOthers: 1).available == 3)
        #expect(LocalCapacity(gpus: 2, usedByOthers: 5).available == 0)
    }
}
