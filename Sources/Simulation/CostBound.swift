/// A lower bound on what any strategy must pay for burst capacity on the trace.
public struct CostBound: Sendable, Equatable, Codable {
    public var name: String
    /// How it is computed, in a sentence for the report.
    public var explanation: String
    public var burstDollars: Double

    public init(name: String, explanation: String, burstDollars: Double) {
        self.name = name
        self.explanation = explanation
        self.burstDollars = burstDollars
    }
}
