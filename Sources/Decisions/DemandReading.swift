import Foundation

/// One good reading of the work waiting for a pool's workers.
public struct DemandReading: Sendable, Equatable {
    /// Jobs waiting (Kafka consumer lag).
    public var queueDepth: Int
    /// p95 job latency in seconds.
    public var latencyP95Seconds: Double
    /// When it was read.
    public var readAt: Date
    /// Jobs arriving per second (for example `rate()` of the topic's offsets);
    /// nil when the source does not measure it.
    public var arrivalsPerSecond: Double?

    public init(queueDepth: Int, latencyP95Seconds: Double, readAt: Date, arrivalsPerSecond: Double? = nil) {
        self.queueDepth = queueDepth
        self.latencyP95Seconds = latencyP95Seconds
        self.readAt = readAt
        self.arrivalsPerSecond = arrivalsPerSecond
    }
}
