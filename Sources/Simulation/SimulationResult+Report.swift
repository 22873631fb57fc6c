extension SimulationResult {
    /// Minutes in the trace (at least one, so shares never divide by zero).
    var durationMinutes: Double { max(1, durationSeconds / 60) }

    /// Days in the trace (at least one minute's worth).
    var durationDays: Double { durationMinutes / 1440 }

    /// What a burst pod costs per hour (the price the break-even was computed at); `nil` when unpriced.
    var burstDollarsPerHour: Double? {
        burstPricePerHour > 0 ? burstPricePerHour : nil
    }

    /// What one local GPU costs a month, implied by the break-even: it equals renting for that many hours.
    var localDollarsPerMonth: Double? {
        burstDollarsPerHour.map { $0 * breakEvenHoursPerMonth }
    }
}
