/// `diurnal-month`: a month of a media workload with a daily rhythm, quieter weekends and evening bursts.
///
/// The rate (jobs per minute) on a weekday follows these points, linearly in between:
///
/// | time  | rate                          | default |
/// |-------|-------------------------------|---------|
/// | 00:00 | a quarter of the evening rate | 11.25   |
/// | 01:00 | twice the night rate          | 4       |
/// | 02:00 – 06:00 | the night rate        | 2       |
/// | 09:00 – 17:00 | the daytime rate      | 20      |
/// | 19:00 – 23:00 | the evening rate      | 45      |
/// | 24:00 | back to the 00:00 value       | 11.25   |
///
/// Day 0 is a Monday; Saturdays and Sundays run at ``weekendFactor`` of the weekday curve. Each day, with
/// probability `burstsPerWeek / 7`, an evening burst multiplies the rate by a factor drawn from ``burstFactor``
/// for a whole number of minutes drawn from ``burstMinutes``, starting at a minute drawn so that it lies within
/// 19:00–23:00. The burst schedule is drawn first (four uniform draws a day, burst or not), then each step's
/// arrivals are a Poisson draw (``PoissonSampler``) with the step's mean.
public struct DiurnalMonthShape: TraceShape, Equatable {
    public static let name = "diurnal-month"

    public var days: Int
    public var stepSeconds: Double
    /// Jobs per minute from 02:00 to 06:00.
    public var nightPerMinute: Double
    /// Jobs per minute from 09:00 to 17:00.
    public var dayPerMinute: Double
    /// Jobs per minute from 19:00 to 23:00, the daily peak.
    public var eveningPerMinute: Double
    /// Saturdays' and Sundays' rate as a fraction of the weekday rate at the same time.
    public var weekendFactor: Double
    /// The expected number of evening bursts a week.
    public var burstsPerWeek: Double
    /// How long a burst lasts, in minutes.
    public var burstMinutes: ClosedRange<Double>
    /// A burst's rate as a multiple of the rate it interrupts.
    public var burstFactor: ClosedRange<Double>

    public init(
        days: Int = 30, stepSeconds: Double = 60, nightPerMinute: Double = 2, dayPerMinute: Double = 20,
        eveningPerMinute: Double = 45, weekendFactor: Double = 0.7, burstsPerWeek: Double = 3,
        burstMinutes: ClosedRange<Double> = 20...60, burstFactor: ClosedRange<Double> = 2...3
    ) {
        self.days = days
        self.stepSeconds = stepSeconds
        self.nightPerMinute = nightPerMinute
        self.dayPerMinute = dayPerMinute
        self.eveningPerMinute = eveningPerMinute
        self.weekendFactor = weekendFactor
        self.burstsPerWeek = burstsPerWeek
        self.burstMinutes = burstMinutes
        self.burstFactor = burstFactor
    }

    public var summary: String {
        let days = "\(days) days at \(TraceCSV.format(stepSeconds)) s steps"
        let levels =
            "night \(TraceCSV.format(nightPerMinute)), day \(TraceCSV.format(dayPerMinute)), "
            + "evening (19:00-23:00) \(TraceCSV.format(eveningPerMinute)) jobs/min"
        let extras =
            "weekends x\(TraceCSV.format(weekendFactor)), ~\(TraceCSV.format(burstsPerWeek)) evening bursts a week "
            + "(\(TraceCSV.format(burstMinutes.lowerBound))-\(TraceCSV.format(burstMinutes.upperBound)) min at "
            + "x\(TraceCSV.format(burstFactor.lowerBound))-\(TraceCSV.format(burstFactor.upperBound))), Poisson noise"
        return "\(days) of a media workload: \(levels); \(extras)"
    }

    /// The weekday rate in jobs per minute at `minuteOfDay` (0..<1440), before weekends and bursts.
    public func weekdayPerMinute(atMinuteOfDay minuteOfDay: Double) -> Double {
        let midnight = eveningPerMinute / 4
        let points: [(minute: Double, rate: Double)] = [
            (0, midnight), (60, 2 * nightPerMinute), (120, nightPerMinute), (360, nightPerMinute),
            (540, dayPerMinute), (1020, dayPerMinute), (1140, eveningPerMinute), (1380, eveningPerMinute),
            (1440, midnight),
        ]
        for index in 1..<points.count where minuteOfDay <= points[index].minute {
            let (start, end) = (points[index - 1], points[index])
            let fraction = (minuteOfDay - start.minute) / (end.minute - start.minute)
            return start.rate + (end.rate - start.rate) * fraction
        }
        return midnight
    }

    /// Whether day `day` (0 = the trace's first day, a Monday) is a Saturday or Sunday.
    public static func isWeekend(day: Int) -> Bool {
        day % 7 >= 5
    }

    public func generate(seed: UInt64) -> Trace {
        var sampler = PoissonSampler(seed: seed)
        let bursts = drawBursts(&sampler)
        let steps = Int((Double(days) * 86_400 / stepSeconds).rounded())
        var arrivals: [Double] = []
        arrivals.reserveCapacity(steps)
        for step in 0..<steps {
            let seconds = Double(step) * stepSeconds
            let day = Int((seconds / 86_400).rounded(.down))
            let minuteOfDay = (seconds - Double(day) * 86_400) / 60
            var rate = weekdayPerMinute(atMinuteOfDay: minuteOfDay)
            if Self.isWeekend(day: day) { rate *= weekendFactor }
            if let burst = bursts[day], burst.minutes.contains(minuteOfDay) { rate *= burst.factor }
            arrivals.append(sampler.sample(mean: rate * stepSeconds / 60))
        }
        return Trace(name: Self.name, stepSeconds: stepSeconds, arrivals: arrivals)
    }

    /// Each day's burst, if it has one: the minutes of the day it covers and its factor.
    private func drawBursts(_ sampler: inout PoissonSampler) -> [(minutes: Range<Double>, factor: Double)?] {
        (0..<days).map { _ in
            let happens = sampler.unit() < burstsPerWeek / 7
            let length =
                (burstMinutes.lowerBound + sampler.unit() * (burstMinutes.upperBound - burstMinutes.lowerBound))
                .rounded()
            let latestStart = 23 * 60 - length
            let start = (19 * 60 + sampler.unit() * (latestStart - 19 * 60)).rounded(.down)
            let factor = burstFactor.lowerBound + sampler.unit() * (burstFactor.upperBound - burstFactor.lowerBound)
            return happens ? (start..<(start + length), factor) : nil
        }
    }
}
