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
        let steady: Double
        /// Workers the rate still needs at the top of its counting noise: the floor while lowering.
        let keep: Int
        let upperRate = rate + settings.lowerMarginSigmas * (rate / settings.arrivalWindowSeconds).squareRoot()
        // Jobs the serving workers start within the wait budget are ordinary queueing, not a backlog to clear.
        var tolerated = 0
        var sizing = "\(format(rate * 60))/min × \(format(settings.serviceSeconds))s"
        if let p95 = settings.serviceP95Seconds {
            let staffing = WorkerStaffing(
                serviceSeconds: settings.serviceSeconds, serviceP95Seconds: p95,
                latencySLOSeconds: settings.latencySLOSeconds)
            steady = Double(staffing.workers(arrivalsPerSecond: rate))
            keep = staffing.workers(arrivalsPerSecond: upperRate)
            let budget = max(0, settings.latencySLOSeconds - p95)
            tolerated = Int(
                saturating: (Double(input.servingWorkers) * budget / settings.serviceSeconds).rounded(.down))
            sizing += " for p95 ≤ \(format(settings.latencySLOSeconds))s"
        } else {
            steady = rate * settings.serviceSeconds / settings.targetUtilization
            keep = Int(
                saturating: (upperRate * settings.serviceSeconds / settings.targetUtilization - 1e-9).rounded(.up))
            sizing += " / \(format(settings.targetUtilization))"
        }
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
            "rate \(sizing) + backlog \(backlog): wanted \(wanted), local available \(local), burst \(fresh)"
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
            overBudget: overBudget(spec: spec, podPrice: input.podPricePerHour, wantedBurst: wanted - local))
    }
}
