import Foundation

/// The scaling math of DESIGN.md as one pure function: no clock, no IO.
public enum ScalingPolicy {
    /// Decides the burst of `spec` from `input`, given what was decided before.
    public static func decide(spec: PoolSpec, input: PolicyInput, memory: PolicyMemory) -> Decision {
        if spec.scaling.mode == .rate, let rate = input.demand.arrivalsPerSecond {
            return decideByRate(spec: spec, input: input, memory: memory, arrivalsPerSecond: rate)
        }
        let settings = spec.scaling
        let queue = max(0, input.demand.queueDepth)
        let latency = input.demand.latencyP95Seconds
        let sloBreached = latency > settings.latencySLOSeconds
        let thresholdActive = queue > settings.activationQueueDepth || sloBreached

        var wanted = thresholdActive ? (queue / max(1, settings.jobsPerWorker)).adding(saturating: 1) : 0
        if sloBreached { wanted = max(wanted, input.servingWorkers.adding(saturating: 1)) }

        let cap = burstCap(spec: spec, podPrice: input.podPricePerHour)
        let local = input.local.available
        let computed = min(max(wanted.adding(saturating: -local), 0), cap)
        let lastBusyAt = queue > 0 ? input.now : memory.lastBusyAt

        var burst = computed
        var reason = describe(queue: queue, latency: latency, wanted: wanted, local: local, burst: computed, cap: cap)
        if computed < memory.burst {
            let idle = lastBusyAt.map { input.now.timeIntervalSince($0) } ?? .infinity
            if queue > 0 || idle < settings.scaleDownIdleSeconds {
                burst = min(memory.burst, cap)
                let idleText =
                    queue > 0
                    ? "queue not empty" : "queue idle \(format(idle))s of \(format(settings.scaleDownIdleSeconds))s"
                reason = "holding burst \(burst) (would be \(computed)): \(idleText)"
            }
        }
        return Decision(
            thresholdActive: thresholdActive,
            wanted: wanted,
            burst: burst,
            reason: reason,
            memory: PolicyMemory(burst: burst, lastBusyAt: lastBusyAt),
            overBudget: overBudget(spec: spec, podPrice: input.podPricePerHour, wantedBurst: wanted - local)
        )
    }

    /// The most pods the pool may have: `maxReplicas`, and what
    /// `maxCostPerHour` buys at the pod price when that is known.
    public static func burstCap(spec: PoolSpec, podPrice: Double?) -> Int {
        var cap = max(0, spec.maxReplicas)
        if let budget = spec.maxCostPerHour, let price = podPrice, price > 0 {
            cap = min(cap, Int(saturating: (budget / price).rounded(.down)))
        }
        return cap
    }

    /// How many of `wantedBurst` RunPod pods, once `maxReplicas` has capped
    /// them, `maxCostPerHour` does not buy at the pod price: the pods the
    /// budget cuts. 0 without a cost cap or a known price.
    public static func overBudget(spec: PoolSpec, podPrice: Double?, wantedBurst: Int) -> Int {
        guard let budget = spec.maxCostPerHour, let price = podPrice, price > 0 else { return 0 }
        let affordable = Int(saturating: (budget / price).rounded(.down))
        return max(0, min(wantedBurst, max(0, spec.maxReplicas)).adding(saturating: -affordable))
    }

    private static func describe(queue: Int, latency: Double, wanted: Int, local: Int, burst: Int, cap: Int) -> String {
        var text = "queue \(queue), p95 \(format(latency))s: wanted \(wanted), local available \(local), burst \(burst)"
        if wanted.adding(saturating: -local) > cap { text += " (capped at \(cap))" }
        return text
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }
}
