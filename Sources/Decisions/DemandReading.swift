import Foundation

/// One good reading of the work waiting for a pool's workers.
public struct DemandReading: Sendable, Equatable {
    /// Jobs waiting (Kafka consumer lag).
    public var queueDepth: Int
    /// p95 job latency in seconds.
    public var latencyP95Seconds: Double
    /// When it was read.
    public var readAt: Date

    public init(queueDepth: Int, latencyP95Seconds: Double, readAt: Date) {
        self.queueDepth = queueDepth
        self.latencyP95Seconds = latencyP95Seconds
        self.readAt = readAt
    }
}
