/// `flash-crowd`: a steady rate with one sudden crowd, e.g. a link shared widely. The rate is
/// ``perMinute`` except during the crowd, when it is ``factor`` times that; each step's arrivals are a Poisson
/// draw (``PoissonSampler``) with the step's mean.
public struct FlashCrowdShape: TraceShape, Equatable {
    public static let name = "flash-crowd"

    public var days: Int
    public var stepSeconds: Double
    /// Jobs per minute outside the crowd.
    public var perMinute: Double
    /// The crowd's rate as a multiple of ``perMinute``.
    public var factor: Double
    /// When the crowd starts, in seconds from the trace's start.
    public var crowdStartSeconds: Double
    /// How long the crowd lasts, in seconds.
    public var crowdSeconds: Double

    public init(
        days: Int = 1, stepSeconds: Double = 60, perMinute: Double = 8, factor: Double = 10,
        crowdStartSeconds: Double = 14 * 3600, crowdSeconds: Double = 20 * 60
    ) {
        self.days = days
        self.stepSeconds = stepSeconds
        self.perMinute = perMinute
        self.factor = factor
        self.crowdStartSeconds = crowdStartSeconds
        self.crowdSeconds = crowdSeconds
    }

    public var summary: String {
        "\(days) day\(days == 1 ? "" : "s") at \(TraceCSV.format(stepSeconds)) s steps of "
            + "~\(TraceCSV.format(perMinute)) jobs/min with one x\(TraceCSV.format(factor)) flash crowd for "
            + "\(TraceCSV.format(crowdSeconds / 60)) min starting at \(Self.clock(crowdStartSeconds)), Poisson noise"
    }

    /// `seconds` from the trace's start as `HH:MM`, with `day N ` in front after the first day.
    private static func clock(_ seconds: Double) -> String {
        let minutes = Int((seconds / 60).rounded(.down))
        let (day, minuteOfDay) = minutes.quotientAndRemainder(dividingBy: 1440)
        let hours = minuteOfDay / 60
        let text = (hours < 10 ? "0" : "") + "\(hours):" + (minuteOfDay % 60 < 10 ? "0" : "") + "\(minuteOfDay % 60)"
        return day == 0 ? text : "day \(day) \(text)"
    }

    /// The seconds (from the trace's start) the crowd covers.
    public var crowd: Range<Double> { crowdStartSeconds..<(crowdStartSeconds + crowdSeconds) }

    public func generate(seed: UInt64) -> Trace {
        var sampler = PoissonSampler(seed: seed)
        let steps = Int((Double(days) * 86_400 / stepSeconds).rounded())
        let arrivals = (0..<steps).map { step in
            let rate = crowd.contains(Double(step) * stepSeconds) ? perMinute * factor : perMinute
            return sampler.sample(mean: rate * stepSeconds / 60)
        }
        return Trace(name: Self.name, stepSeconds: stepSeconds, arrivals: arrivals)
    }
}
