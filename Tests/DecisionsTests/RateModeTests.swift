import Foundation
import Testing

@testable import Decisions

/// `scaling.mode: rate`: sized from arrivals × service time, by utilisation or by the SLO, with a hold.
@Suite struct RateModeTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func spec(p95: Double? = nil) -> PoolSpec {
        var spec = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        spec.maxReplicas = 20
        spec.scaling.mode = .rate
        spec.scaling.serviceSeconds = 10
        spec.scaling.targetUtilization = 0.85
        spec.scaling.drainSeconds = 60
        spec.scaling.lowerAfterSeconds = 300
        spec.scaling.serviceP95Seconds = p95
        return spec
    }

    static func input(perMinute: Double, queue: Int = 0, local: Int = 4, serving: Int = 4, at seconds: Double = 0)
        -> PolicyInput
    {
        let now = t0.addingTimeInterval(seconds)
        return PolicyInput(
            demand: DemandReading(
                queueDepth: queue, latencyP95Seconds: 0, readAt: now, arrivalsPerSecond: perMinute / 60),
            local: LocalCapacity(gpus: local, usedByOthers: 0), servingWorkers: serving, podPricePerHour: 0.69, now: now
        )
    }

    @Test func utilisationSizing() {
        // 48/min × 10 s = 8 busy workers; at 85 % that is 9.4 → 10 workers, 6 beyond the 4 local.
        let decision = ScalingPolicy.decide(spec: Self.spec(), input: Self.input(perMinute: 48), memory: PolicyMemory())
        #expect(decision.wanted == 10)
        #expect(decision.burst == 6)
        #expect(decision.reason.contains("/ 0.8"))
    }

    @Test func sloSizingAsksWhatTheStaffingSays() {
        let spec = Self.spec(p95: 16)
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        for perMinute in [6.0, 24, 48, 90] {
            let decision = ScalingPolicy.decide(
                spec: spec, input: Self.input(perMinute: perMinute), memory: PolicyMemory())
            let workers = staffing.workers(arrivalsPerSecond: perMinute / 60)
            #expect(decision.wanted == workers, "\(perMinute)/min")
            #expect(decision.burst == max(0, workers - 4), "\(perMinute)/min")
            #expect(decision.reason.contains("for p95 ≤ 30s"))
        }
    }

    /// With SLO sizing, jobs the serving workers start within the wait budget (SLO − p95 = 14 s:
    /// 8 workers × 14 s / 10 s = 11 jobs) are ordinary queueing; only the excess asks for drain pods.
    @Test func sloSizingToleratesOrdinaryQueueing() {
        let spec = Self.spec(p95: 16)
        let steady = ScalingPolicy.decide(
            spec: spec, input: Self.input(perMinute: 48, serving: 8), memory: PolicyMemory())
        let ordinary = ScalingPolicy.decide(
            spec: spec, input: Self.input(perMinute: 48, queue: 8 + 11, serving: 8), memory: PolicyMemory())
        let excess = ScalingPolicy.decide(
            spec: spec, input: Self.input(perMinute: 48, queue: 8 + 11 + 12, serving: 8), memory: PolicyMemory())
        #expect(ordinary.wanted == steady.wanted)
        // 12 jobs beyond the tolerance × 10 s / 60 s drain = 2 workers more.
        #expect(excess.wanted == steady.wanted + 2)
        // Utilisation sizing counts every queued job as backlog.
        let utilisation = ScalingPolicy.decide(
            spec: Self.spec(), input: Self.input(perMinute: 48, queue: 8 + 11, serving: 8), memory: PolicyMemory())
        #expect(utilisation.wanted == 10 + 2)
    }

    @Test func lowersOnlyAfterWantingFewerWithoutABreak() {
        let spec = Self.spec(p95: 16)
        var memory = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 90), memory: PolicyMemory()).memory
        let high = memory.burst
        #expect(high > 0)
        var decision = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 6, at: 30), memory: memory)
        #expect(decision.burst == high)
        #expect(decision.reason.hasPrefix("holding burst"))
        memory = decision.memory
        // A return to the peak resets the timer; the hold starts again at the next lull.
        memory = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 90, at: 200), memory: memory).memory
        decision = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 6, at: 400), memory: memory)
        #expect(decision.burst == high)
        memory = decision.memory
        decision = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 6, at: 699), memory: memory)
        #expect(decision.burst == high)
        decision = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 6, at: 700), memory: decision.memory)
        #expect(decision.burst == 0)
    }

    /// A rate over a 300 s window near 48/min counts ~240 jobs: one sigma is ≈ 3.1/min. A reading
    /// 3/min below a step of the staffing is within that noise and keeps the pods; 6/min is a real drop.
    @Test func noiseMarginKeepsPodsThroughCountingNoiseOnly() throws {
        var spec = Self.spec(p95: 16)
        spec.scaling.lowerAfterSeconds = 0
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        // The first rate from 40/min at which 3/min less needs one worker fewer.
        let high = try #require(
            stride(from: 40.0, to: 70, by: 0.5).first {
                staffing.workers(arrivalsPerSecond: ($0 - 3) / 60) < staffing.workers(arrivalsPerSecond: $0 / 60)
            })
        let peak = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: high), memory: PolicyMemory())
        let noise = ScalingPolicy.decide(
            spec: spec, input: Self.input(perMinute: high - 3, at: 30), memory: peak.memory)
        #expect(noise.burst == peak.burst)
        #expect(noise.reason.contains("keeping \(peak.burst)"))
        let drop = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: 6, at: 60), memory: noise.memory)
        #expect(drop.burst == 0)
        // Without the margin the same noise lowers the burst at once.
        spec.scaling.lowerMarginSigmas = 0
        let bare = ScalingPolicy.decide(spec: spec, input: Self.input(perMinute: high - 3, at: 30), memory: peak.memory)
        #expect(bare.burst == peak.burst - 1)
    }
}
