/// What a pool's source says about its cost cap (`maxCostPerHour`).
public enum CostCap: Sendable, Equatable {
    /// Not given: the `PoolSpec` default applies.
    case poolDefault
    /// No cap (an empty value in the config file; an unset field of a RunPodPool).
    case unlimited
    /// At most this many USD per hour; must be positive.
    case usdPerHour(Double)
}
