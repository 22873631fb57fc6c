/// One strategy's run over the trace: its totals and its per-minute timeline.
public struct StrategyResult: Sendable, Equatable, Codable {
    /// Short name: `policy`, `burst-only`, `local-only`, `before`.
    public var name: String
    /// One line for the report: what the strategy does.
    public var summary: String
    public var totals: StrategyTotals
    public var timeline: [MinuteSample]

    public init(name: String, summary: String, totals: StrategyTotals, timeline: [MinuteSample]) {
        self.name = name
        self.summary = summary
        self.totals = totals
        self.timeline = timeline
    }
}
