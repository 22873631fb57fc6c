import Autoscaler
import Decisions
import Foundation

/// Runs pools that a parser accepted through the real snapshot builder (policy, caps, encoded answers) under a
/// few demands, from idle to far beyond any queue: a pool that passes validation must never trap the scaler.
public enum PolicyWorkout {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static let demands: [DemandReading] = [
        DemandReading(queueDepth: 0, latencyP95Seconds: 0, readAt: now),
        DemandReading(queueDepth: 95, latencyP95Seconds: 12, readAt: now, arrivalsPerSecond: 0.5),
        DemandReading(queueDepth: 40, latencyP95Seconds: 1e9, readAt: now, arrivalsPerSecond: 1e6),
        // The largest queue the demand sources let through.
        DemandReading(queueDepth: 999_999_999_999_999, latencyP95Seconds: 0, readAt: now, arrivalsPerSecond: 0),
    ]

    /// Builds a snapshot of `pools` for each demand and checks what every pool answers.
    public static func run(_ pools: [PoolSpec], local: LocalCapacity = LocalCapacity(gpus: 4, usedByOthers: 0)) {
        var memory: [PoolID: PolicyMemory] = [:]
        for (step, reading) in demands.enumerated() {
            var demand = SourceStatus(name: "fuzz", location: "fuzz")
            demand.lastGood = reading
            var inputs = ScalerInputs(pools: pools, demand: demand, local: local, staleAfterSeconds: 120)
            for pool in pools {
                // A catalog price, and a pod count near the caps.
                inputs.podPrices[pool.id] = 0.69
                inputs.runpodPods[pool.id] = 3
                inputs.runpodRunning[pool.id] = 2
            }
            let output = SnapshotBuilder.build(inputs: inputs, memory: memory, now: now, generation: step)
            memory = output.memory
            for pool in pools {
                guard let view = output.snapshot.pools[pool.id], let decision = view.decision else {
                    preconditionFailure("pool \(pool.id) has no decision on a fresh reading")
                }
                let cap = ScalingPolicy.burstCap(spec: pool, podPrice: 0.69)
                precondition(
                    decision.burst >= 0 && decision.burst <= cap,
                    "burst \(decision.burst) outside 0...\(cap) for \(pool.id)")
                precondition(
                    ScalerMetric.allCases.allSatisfy { !view.answers.specs[$0].isEmpty }, "a metric spec is missing")
            }
        }
    }
}
