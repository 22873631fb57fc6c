extension SimulationResult {
    /// Minutes in the trace (at least one, so shares never divide by zero).
    var durationMinutes: Double { max(1, durationSeconds / 60) }

    /// Days in the trace (at least one minute's worth).
    var durationDays: Double { durationMinutes / 1440 }

    /// What a burst pod costs per hour, as the run paid it: the configured policy's burst dollars per pod-hour,
    /// else the first strategy's that rented any, else the cost table's first hourly price; `nil` when none.
    var burstDollarsPerHour: Double? {
        let renting = strategies.first { $0.totals.podHours > 0 && $0.totals.burstDollars > 0 }
        if let totals = renting?.totals { return totals.burstDollars / totals.podHours }
        return costTable.first { $0.dollarsPerHour > 0 }?.dollarsPerHour
    }

    /// What one local GPU costs a month, implied by the break-even: it equals renting for that many hours.
    var localDollarsPerMonth: Double? {
        burstDollarsPerHour.map { $0 * breakEvenHoursPerMonth }
    }
}
