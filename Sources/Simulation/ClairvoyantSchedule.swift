import Decisions

/// A schedule that knows the future: for every trace step, the pods the
/// latency SLO needs at the arrival rate around it (the mean of the five
/// steps centred on it, past and future; M/G/c staffing beyond the local GPUs), asked for one provisioning-and-start delay ahead so they
/// are RUNNING when the jobs come, and kept through any dip shorter than that
/// delay (a pod re-created after the dip would bill the delay again). It is a
/// reference, not a proof: the cheapest schedule this model knows that meets
/// the SLO, to measure a policy against where the fluid bound is out of reach.
struct ClairvoyantSchedule {
    /// Pods wanted per trace step.
    private let need: [Int]
    private let stepSeconds: Double
    /// Seconds from create to RUNNING, plus a reconcile pass.
    let leadSeconds: Double

    init(trace: Trace, settings: SimulationSettings, local: Int, cap: Int) {
        let staffing = WorkerStaffing(
            serviceSeconds: settings.serviceSeconds.mean, serviceP95Seconds: settings.serviceSeconds.p95,
            latencySLOSeconds: settings.pool.scaling.latencySLOSeconds)
        var workersByRate: [Double: Int] = [:]
        let counts = trace.arrivals
        need = counts.indices.map { step in
            let around = counts[max(0, step - 2)...min(counts.count - 1, step + 2)]
            let rate = max(0, around.reduce(0, +) / Double(around.count)) / trace.stepSeconds
            let workers =
                workersByRate[rate]
                ?? {
                    let value = staffing.workers(arrivalsPerSecond: rate)
                    workersByRate[rate] = value
                    return value
                }()
            return min(max(0, workers - local), cap)
        }
        stepSeconds = trace.stepSeconds
        leadSeconds = settings.provisioningSeconds.mean + settings.startingSeconds.mean + settings.reconcileSeconds
    }

    /// The pods to have at `now`: the most any step needs from now until a new pod would be RUNNING.
    func desired(at now: Double) -> Int {
        guard !need.isEmpty else { return 0 }
        let first = max(0, Int(now / stepSeconds))
        let last = min(need.count - 1, Int((now + leadSeconds) / stepSeconds))
        guard first <= last else { return 0 }
        return need[first...last].max() ?? 0
    }
}
