extension Int {
    /// `value` without its fraction, held at `Int.min...Int.max` where it is beyond them; NaN is 0. Counts and
    /// caps computed in `Double` (a budget over a price, a rate times a duration) can be far larger than any
    /// count, and a plain `Int(_:)` traps on those.
    public init(saturating value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 0x1p63 {
            self = .max
        } else if value < -0x1p63 {
            self = .min
        } else {
            self = Int(value)
        }
    }

    /// `self + other`, held at `Int.max` (or `Int.min`) instead of trapping: for sums of counts that come from
    /// outside (a node's allocatable GPUs, a lease's transitions) and can be anything an API server sends.
    public func adding(saturating other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }
}
