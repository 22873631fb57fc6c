/// `steady-low`: a quiet, flat workload that local servers should absorb on their own. Each step's arrivals are
/// a Poisson draw (``PoissonSampler``) with mean ``perMinute`` per minute.
public struct SteadyLowShape: TraceShape, Equatable {
    public static let name = "steady-low"

    public var days: Int
    public var stepSeconds: Double
    /// Jobs per minute.
    public var perMinute: Double

    public init(days: Int = 7, stepSeconds: Double = 60, perMinute: Double = 3) {
        self.days = days
        self.stepSeconds = stepSeconds
        self.perMinute = perMinute
    }

    public var summary: String {
        "\(days) days at \(TraceCSV.format(stepSeconds)) s steps of ~\(TraceCSV.format(perMinute)) jobs/min, "
            + "Poisson noise"
    }

    public func generate(seed: UInt64) -> Trace {
        var sampler = PoissonSampler(seed: seed)
        let steps = Int((Double(days) * 86_400 / stepSeconds).rounded())
        let arrivals = (0..<steps).map { _ in sampler.sample(mean: perMinute * stepSeconds / 60) }
        return Trace(name: Self.name, stepSeconds: stepSeconds, arrivals: arrivals)
    }
}
