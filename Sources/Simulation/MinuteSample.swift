/// One minute of a simulated run, for the timeline and the report's charts.
public struct MinuteSample: Sendable, Equatable, Codable {
    /// Minutes from the trace's start.
    public var minute: Int
    /// Jobs that arrived in the minute.
    public var arrivals: Int
    /// Jobs waiting (not yet started) at the end of the minute.
    public var queue: Int
    /// The p95 latency (wait + service, seconds) of the jobs finished in the last 5 minutes, as the policy sees it.
    public var p95Seconds: Double
    /// Local workers busy at the end of the minute.
    public var localBusy: Int
    /// Burst pods by status at the end of the minute.
    public var podsPending: Int
    public var podsRunning: Int
    /// USD per hour being billed at the end of the minute (burst pods; local servers are a flat cost).
    public var dollarsPerHour: Double
    /// Cumulative burst USD at the end of the minute.
    public var cumulativeDollars: Double
    /// Pod creates and terminates sent during the minute.
    public var creates: Int
    public var terminates: Int

    public init(
        minute: Int, arrivals: Int, queue: Int, p95Seconds: Double, localBusy: Int, podsPending: Int,
        podsRunning: Int, dollarsPerHour: Double, cumulativeDollars: Double, creates: Int, terminates: Int
    ) {
        self.minute = minute
        self.arrivals = arrivals
        self.queue = queue
        self.p95Seconds = p95Seconds
        self.localBusy = localBusy
        self.podsPending = podsPending
        self.podsRunning = podsRunning
        self.dollarsPerHour = dollarsPerHour
        self.cumulativeDollars = cumulativeDollars
        self.creates = creates
        self.terminates = terminates
    }
}
