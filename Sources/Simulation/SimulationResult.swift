/// Everything `simulate` found, written as JSON (`--json`) and rendered as
/// the HTML report (`--report`). Same trace, config and seed: the same bytes.
public struct SimulationResult: Sendable, Equatable, Codable {
    public var traceName: String
    public var seed: UInt64
    public var durationSeconds: Double
    public var sloSeconds: Double
    /// The configured policy first, then the comparators.
    public var strategies: [StrategyResult]
    public var bounds: [CostBound]
    public var costTable: [CostTableRow]
    /// USD per hour of one burst pod of the pool's first offering: the price the break-even is computed at.
    public var burstPricePerHour: Double
    /// Hours a month at which one local GPU at its monthly price costs the same as renting at the burst price.
    public var breakEvenHoursPerMonth: Double
    /// The model's assumptions, stated plainly (billing, service times, delays).
    public var assumptions: [String]

    public init(
        traceName: String, seed: UInt64, durationSeconds: Double, sloSeconds: Double, strategies: [StrategyResult],
        bounds: [CostBound], costTable: [CostTableRow], burstPricePerHour: Double, breakEvenHoursPerMonth: Double,
        assumptions: [String]
    ) {
        self.traceName = traceName
        self.seed = seed
        self.durationSeconds = durationSeconds
        self.sloSeconds = sloSeconds
        self.strategies = strategies
        self.bounds = bounds
        self.costTable = costTable
        self.burstPricePerHour = burstPricePerHour
        self.breakEvenHoursPerMonth = breakEvenHoursPerMonth
        self.assumptions = assumptions
    }
}
