import Decisions
import Foundation
import Primitives
import Testing

@testable import Simulation

/// The closed loop on small traces: determinism, the strategies' shapes, caps, bounds.
@Suite struct ClosedLoopTests {
    static func settings(localGPUs: Int = 2) -> SimulationSettings {
        var pool = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        pool.template.image = "worker:1"
        pool.maxReplicas = 6
        pool.maxCostPerHour = 15
        pool.scaling.scaleDownIdleSeconds = 60
        var settings = SimulationSettings(pool: pool)
        settings.localGPUs = localGPUs
        settings.serviceSeconds = .lognormal(mean: 12, p95: 24)
        settings.provisioningSeconds = .fixed(30)
        settings.startingSeconds = .fixed(10)
        return settings
    }

    /// Two quiet hours around one busy hour (30 jobs a minute: 6 workers' worth at 12 s each).
    static let burst = Trace(
        name: "burst", stepSeconds: 60,
        arrivals: Array(repeating: 2, count: 60) + Array(repeating: 30, count: 60) + Array(repeating: 2, count: 60))

    @Test func theSameSeedGivesTheSameBytes() throws {
        let first = try Simulator.run(trace: Self.burst, settings: Self.settings(), seed: 7).jsonData()
        let second = try Simulator.run(trace: Self.burst, settings: Self.settings(), seed: 7).jsonData()
        let other = try Simulator.run(trace: Self.burst, settings: Self.settings(), seed: 8).jsonData()
        #expect(first == second)
        #expect(first != other, "the seed matters")
    }

    @Test func strategiesBehaveAsNamed() throws {
        let result = Simulator.run(trace: Self.burst, settings: Self.settings(), seed: 1)
        let byName = Dictionary(uniqueKeysWithValues: result.strategies.map { ($0.name, $0) })
        let policy = try #require(byName["policy"])
        let localOnly = try #require(byName["local-only"])
        let burstOnly = try #require(byName["burst-only"])
        let before = try #require(byName["before"])
        #expect(localOnly.totals.creates == 0 && localOnly.totals.burstDollars == 0)
        #expect(localOnly.totals.sloMinutes > policy.totals.sloMinutes, "2 local GPUs cannot carry the busy hour")
        #expect(policy.totals.creates > 0 && policy.totals.burstDollars > 0)
        #expect(burstOnly.totals.localDollars == 0 && burstOnly.totals.burstDollars > policy.totals.burstDollars)
        #expect(before.totals.localDollars == 0 && before.totals.creates > 0)
        for strategy in result.strategies {
            #expect(strategy.timeline.count == 180)
            #expect(strategy.totals.jobsArrived == Int(Self.burst.totalArrivals))
            #expect(strategy.totals.jobsServed <= strategy.totals.jobsArrived)
            #expect(strategy.timeline.allSatisfy { $0.podsPending + $0.podsRunning <= 6 }, "maxReplicas holds")
            #expect(strategy.timeline.allSatisfy { $0.dollarsPerHour <= 15 + 1e-9 }, "maxCostPerHour holds")
        }
        // The queue drains and every pod is gone once the quiet hour has been idle long enough.
        #expect(policy.timeline.last?.queue ?? 1 < 10)
        #expect(policy.timeline.last.map { $0.podsPending + $0.podsRunning } == 0)
    }

    @Test func noStrategyBeatsTheFluidBound() {
        let result = Simulator.run(trace: Self.burst, settings: Self.settings(), seed: 3)
        let bound = result.bounds[0].burstDollars
        // The busy hour needs 30/min × 12 s = 6 workers, 4 more than local: 4 pod-hours at 0.69.
        #expect(abs(bound - 4 * 0.69) < 1e-9)
        #expect(result.strategies[0].totals.burstDollars >= bound)
    }

    @Test func theCostTableUsesTheConfiguredPrices() {
        let result = Simulator.run(trace: Self.burst, settings: Self.settings(), seed: 3)
        #expect(abs(result.costTable[0].dollarsPerHour - 13.80) < 1e-9, "20 × 0.69")
        #expect(abs(result.costTable[1].dollarsPerHour - 10.00) < 1e-9, "20 × 0.50")
        #expect(result.costTable[2].dollarsPerMonth == 500)
        #expect(abs(result.costTable[0].dollarsPerMonth - 13.80 * 730.5 * 0.5) < 1e-9, "at 50 % of a month")
        #expect(abs(result.costTable[1].dollarsPerMonth - 10.00 * 730.5 * 0.5) < 1e-9)
        #expect(abs(result.breakEvenHoursPerMonth - 250 / 0.69) < 1e-9, "per GPU of a 2-GPU $500 server")
    }

    @Test func aNoCapacityWindowFallsBackToTheNextGPUType() {
        var settings = Self.settings()
        settings.pool.template.gpuTypeIds = ["NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"]
        settings.noCapacity = [
            NoCapacityWindow(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", fromSeconds: 0, toSeconds: 86_400)
        ]
        var loop = ClosedLoop(trace: Self.burst, settings: settings, kind: .policy, seed: 5)
        let result = loop.run()
        #expect(result.totals.creates > 0, "the L40S took the burst")
        #expect(
            result.timeline.contains {
                $0.dollarsPerHour > 0 && $0.dollarsPerHour.truncatingRemainder(dividingBy: 0.79) < 1e-6
            })
    }

    @Test func latencyQuantilesInterpolateLikePrometheus() {
        var window = LatencyWindow(windowSeconds: 300)
        // 100 jobs: 90 at 8 s (bucket 5–10), 10 at 50 s (bucket 45–60).
        for index in 0..<90 { window.record(latency: 8, at: Double(index)) }
        for index in 0..<10 { window.record(latency: 50, at: 100 + Double(index)) }
        // rank 95: 5 of the 10 in 45–60 → 45 + 15 × 5/10.
        #expect(abs(window.quantile(0.95, at: 120) - 52.5) < 1e-9)
        #expect(window.quantile(0.95, at: 1000) == 0, "the window has moved past them")
    }

    @Test func lognormalDrawsHaveTheConfiguredMeanAndP95() {
        var random = SplitMix64(seed: 9)
        let draws = (0..<40_000).map { _ in Distribution.lognormal(mean: 20, p95: 45).sample(using: &random) }.sorted()
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 20) < 0.5)
        #expect(abs(draws[Int(0.95 * Double(draws.count))] - 45) < 1.5)
        #expect(Distribution.lognormal(mean: 10, p95: 50).problem != nil)
    }
}
