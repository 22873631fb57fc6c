import Foundation

extension ScalingPolicy {
    /// The rate rule: enough workers for the arrivals at the target
    /// utilization (`λ × S / u`, Little's law) or, with `serviceP95Seconds`,
    /// for the latency SLO (`WorkerStaffing`), plus what clears the backlog
    /// within `drainSeconds`; one more than those serving while the SLO is
    /// breached by waiting (jobs queued with no worker, not a slow job's
    /// tail). A lower burst must be wanted even at the top of the rate's
    /// counting noise (`lowerMarginSigmas`), and for `lowerAfterSeconds`
    /// without a break, so neither noise nor a short lull terminates pods
    /// that would cost another provisioning delay minutes later.
    static func decideByRate(
        spec: PoolSpec, input: PolicyInput, memory: PolicyMemory, arrivalsPerSecond: Double
    ) -> Decision {
        let settings = spec.scaling
        let queue = max(0, input.demand.queueDepth)
        let latency = input.demand.latencyP95Seconds
        let sloBreached = latency > settings.latencySLOSeconds
        let rate = max(0, arrivalsPerSecond)
        // The queue depth counts jobs in progress too (consumer lag): the backlog is what no worker holds.
        let backlog = max(0, queue.adding(saturating: -input.servingWorkers))
        let upperRate = rate + settings.lowerMarginSigmas * (rate / settings.arrivalWindowSeconds).squareRoot()
        let sizing = rateSizing(settings, rate: rate, upperRate: upperRate, serving: input.servingWorkers)
        let (steady, keep, tolerated) = (sizing.steady, sizing.keep, sizing.tolerated)
        let drain =
            Double(max(0, backlog.adding(saturating: -tolerated))) * settings.serviceSeconds / settings.drainSeconds
        var wanted = Int(saturating: (steady + drain - 1e-9).rounded(.up))
        if sloBreached && backlog > 0 { wanted = max(wanted, input.servingWorkers.adding(saturating: 1)) }
        let thresholdActive = queue > settings.activationQueueDepth || sloBreached

        let cap = burstCap(spec: spec, podPrice: input.podPricePerHour)
        let local = input.local.available
        let fresh = min(max(wanted.adding(saturating: -local), 0), cap)
        var computed = fresh
        if fresh < memory.burst { computed = min(memory.burst, max(fresh, min(cap, keep.adding(saturating: -local)))) }
        var burst = computed
        var lowerSince: Date?
        var reason =
            "rate \(sizing.text) + backlog \(backlog): wanted \(wanted), local available \(local), burst \(fresh)"
        if wanted.adding(saturating: -local) > cap { reason += " (capped at \(cap))" }
        if computed > fresh {
            reason += "; keeping \(computed): the rate's noise allows \(keep) workers (\(format(upperRate * 60))/min)"
        }
        if computed < memory.burst {
            lowerSince = memory.lowerSince ?? input.now
            let lower = input.now.timeIntervalSince(lowerSince ?? input.now)
            if lower < settings.lowerAfterSeconds {
                burst = min(memory.burst, cap)
                reason =
                    "holding burst \(burst) (would be \(computed)): lower for \(format(lower))s of "
                    + "\(format(settings.lowerAfterSeconds))s"
            }
        }
        if burst == computed { lowerSince = nil }
        return Decision(
            thresholdActive: thresholdActive, wanted: wanted, burst: burst, reason: reason,
            memory: PolicyMemory(
                burst: burst, lastBusyAt: queue > 0 ? input.now : memory.lastBusyAt, lowerSince: lowerSince),
            overBudget: overBudget(
                spec: spec, podPrice: input.podPricePerHour, wantedBurst: wanted.adding(saturating: -local)))
    }
    /// Workers for the arrival rate (`steady`), for the rate at the top of its
    /// counting noise (`keep`: the floor while lowering), and the queued jobs
    /// that are ordinary queueing rather than a backlog to clear (`tolerated`:
    /// those the serving workers start within the wait budget; SLO sizing only).
    private static func rateSizing(
        _ settings: ScalingSettings, rate: Double, upperRate: Double, serving: Int
    ) -> (steady: Double, keep: Int, tolerated: Int, text: String) {
        let text = "\(format(rate * 60))/min × \(format(settings.serviceSeconds))s"
        guard let p95 = settings.serviceP95Seconds else {
            let (service, utilization) = (settings.serviceSeconds, settings.targetUtilization)
            return (
                rate * service / utilization, Int(saturating: (upperRate * service / utilization - 1e-9).rounded(.up)),
                0,
                text + " / \(format(settings.targetUtilization))"
            )
        }
        let staffing = WorkerStaffing(
            serviceSeconds: settings.serviceSeconds, serviceP95Seconds: p95,
            latencySLOSeconds: settings.latencySLOSeconds)
        let budget = max(0, settings.latencySLOSeconds - p95)
        return (
            Double(staffing.workers(arrivalsPerSecond: rate)), staffing.workers(arrivalsPerSecond: upperRate),
            Int(saturating: (Double(serving) * budget / settings.serviceSeconds).rounded(.down)),
            text + " for p95 ≤ \(format(settings.latencySLOSeconds))s"
        )
    }
}
