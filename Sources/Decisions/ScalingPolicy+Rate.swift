import Foundation

extension ScalingPolicy {
    /// The rate rule: enough workers for the arrivals at the target
    /// utilization (`λ × S / u`, Little's law), plus what clears the backlog
    /// within `drainSeconds`; one more than those serving while the SLO is
    /// breached by waiting (jobs queued with no worker, not a slow job's
    /// tail). A lower burst waits until it has been wanted for
    /// `lowerAfterSeconds` without a break (hysteresis), so a short lull
    /// neither terminates pods nor pays another provisioning delay.
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
        let steady = rate * settings.serviceSeconds / settings.targetUtilization
        let drain = Double(backlog) * settings.serviceSeconds / settings.drainSeconds
        var wanted = Int(saturating: (steady + drain - 1e-9).rounded(.up))
        if sloBreached && backlog > 0 { wanted = max(wanted, input.servingWorkers.adding(saturating: 1)) }
        let thresholdActive = queue > settings.activationQueueDepth || sloBreached

        let cap = burstCap(spec: spec, podPrice: input.podPricePerHour)
        let local = input.local.available
        let computed = min(max(wanted.adding(saturating: -local), 0), cap)
        var burst = computed
        var lowerSince: Date?
        var reason =
            "rate \(format(rate * 60))/min × \(format(settings.serviceSeconds))s / \(format(settings.targetUtilization))"
            + " + backlog \(backlog): wanted \(wanted), local available \(local), burst \(computed)"
        if wanted.adding(saturating: -local) > cap { reason += " (capped at \(cap))" }
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
                burst: burst, lastBusyAt: queue > 0 ? input.now : memory.lastBusyAt, lowerSince: lowerSince))
    }
}
