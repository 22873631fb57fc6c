/// Job arrivals over time: `arrivals[i]` jobs arrive during step `i`, that is
/// in `[i × stepSeconds, (i + 1) × stepSeconds)` from the trace's start. The
/// simulator spreads each step's arrivals over the step with its seeded generator.
public struct Trace: Sendable, Equatable, Codable {
    public var name: String
    public var stepSeconds: Double
    public var arrivals: [Double]

    public init(name: String, stepSeconds: Double, arrivals: [Double]) {
        self.name = name
        self.stepSeconds = stepSeconds
        self.arrivals = arrivals
    }

    /// The trace's length in seconds.
    public var durationSeconds: Double { Double(arrivals.count) * stepSeconds }

    /// All jobs of the trace.
    public var totalArrivals: Double { arrivals.reduce(0, +) }
}
