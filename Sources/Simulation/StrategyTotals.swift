/// What one strategy cost and delivered over the whole trace.
public struct StrategyTotals: Sendable, Equatable, Codable {
    /// Burst pods (or the "before" comparator's rented GPUs), billed per second.
    public var burstDollars: Double
    /// The local servers' flat cost over the trace's length.
    public var localDollars: Double
    public var podHours: Double
    public var creates: Int
    public var terminates: Int
    public var jobsArrived: Int
    public var jobsServed: Int
    /// Minutes whose p95 latency was above the SLO.
    public var sloMinutes: Int
    /// The longest any job waited before a worker took it, in seconds.
    public var worstWaitSeconds: Double

    public var totalDollars: Double { burstDollars + localDollars }

    public init(
        burstDollars: Double = 0, localDollars: Double = 0, podHours: Double = 0, creates: Int = 0,
        terminates: Int = 0, jobsArrived: Int = 0, jobsServed: Int = 0, sloMinutes: Int = 0,
        worstWaitSeconds: Double = 0
    ) {
        self.burstDollars = burstDollars
        self.localDollars = localDollars
        self.podHours = podHours
        self.creates = creates
        self.terminates = terminates
        self.jobsArrived = jobsArrived
        self.jobsServed = jobsServed
        self.sloMinutes = sloMinutes
        self.worstWaitSeconds = worstWaitSeconds
    }
}
