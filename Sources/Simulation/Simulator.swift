import Decisions
import Foundation

/// Runs every strategy over the same trace with the same seed and puts the
/// totals beside the lower bounds and the cost table.
public enum Simulator {
    public static func run(trace: Trace, settings: SimulationSettings, seed: UInt64) -> SimulationResult {
        let strategies = StrategyKind.all(configured: settings.pool.scaling.mode).map { kind in
            var loop = ClosedLoop(trace: trace, settings: settings, kind: kind, seed: seed)
            return loop.run()
        }
        let price = podPrice(settings)
        return SimulationResult(
            traceName: trace.name, seed: seed, durationSeconds: trace.durationSeconds,
            sloSeconds: settings.pool.scaling.latencySLOSeconds, strategies: strategies,
            bounds: [fluidBound(trace: trace, settings: settings, price: price)],
            costTable: CostTable.rows(settings: settings, burstPrice: price), burstPricePerHour: price,
            breakEvenHoursPerMonth: settings.localServerDollarsPerMonth / Double(max(1, settings.localGPUsPerServer))
                / max(price, 1e-9),
            assumptions: assumptions(settings, price: price))
    }

    /// USD per hour of one pod of the pool's first offering.
    static func podPrice(_ settings: SimulationSettings) -> Double {
        let gpu = settings.pool.template.gpuTypeIds.first ?? ""
        return (settings.gpuPrices[gpu] ?? 0) * Double(settings.pool.template.gpuCount)
    }

    /// ∫ max(0, λ(t)·S − local) dt × price: the work the local GPUs cannot do,
    /// bought at the pod price with no delay, no idle second and no rounding up.
    static func fluidBound(trace: Trace, settings: SimulationSettings, price: Double) -> CostBound {
        let service = settings.serviceSeconds.mean
        var podSeconds = 0.0
        for arrivals in trace.arrivals {
            let busy = arrivals / trace.stepSeconds * service
            podSeconds += max(0, busy - Double(settings.localGPUs)) * trace.stepSeconds
        }
        return CostBound(
            name: "fluid",
            explanation:
                "∫ max(0, λ(t)·S − local) dt × price, per \(Int(trace.stepSeconds)) s step: the work the "
                + "\(settings.localGPUs) local GPUs cannot do, bought as pod-seconds at "
                + "$\(String(format: "%.2f", price))/h with no provisioning delay, no idle time and no whole pods. "
                + "No strategy can pay less.",
            burstDollars: podSeconds / 3600 * price)
    }

    static func assumptions(_ settings: SimulationSettings, price: Double) -> [String] {
        [
            "Billing: every burst pod is billed per second from its create to its terminate at the catalog price "
                + "($\(String(format: "%.2f", price))/h for the pool's first GPU type), PROVISIONING and STARTING included.",
            "Service time per job: \(describe(settings.serviceSeconds)); one job per worker at a time "
                + "(a local GPU or a RUNNING pod).",
            "Pods become workers after PROVISIONING (\(describe(settings.provisioningSeconds))) and STARTING "
                + "(\(describe(settings.startingSeconds))).",
            "Queue depth as the policy reads it is the Kafka lag: jobs waiting plus jobs in progress, read every "
                + "\(Int(settings.pollSeconds)) s; p95 latency is histogram_quantile(0.95) over the last "
                + "\(Int(settings.latencyWindowSeconds)) s of finished jobs (wait + service).",
            "The arrival rate the rate mode reads is rate() over the last \(settings.arrivalRateWindowSeconds) s "
                + "of arrivals.",
            "A job on a pod that is terminated or interrupted goes back to the head of the queue.",
            "Local servers: \(settings.localGPUs) GPUs at $\(Int(settings.localServerDollarsPerMonth)) a month per "
                + "\(settings.localGPUsPerServer)-GPU server, a flat cost whether busy or not.",
            "Reconciler: the real ReconcileMachine every \(Int(settings.reconcileSeconds)) s against a virtual RunPod "
                + "account; the policy: the real ScalingPolicy.",
        ]
    }

    static func describe(_ distribution: Distribution) -> String {
        switch distribution {
        case .fixed(let value): "\(format(value)) s"
        case .lognormal(let mean, let p95): "lognormal, mean \(format(mean)) s, p95 \(format(p95)) s"
        case .uniform(let low, let high): "uniform \(format(low))–\(format(high)) s"
        }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(format: "%.1f", value)
    }
}
