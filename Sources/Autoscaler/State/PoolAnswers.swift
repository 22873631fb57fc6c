import Decisions
import LibGRPCServer

/// A pool's gRPC answers, encoded once per snapshot so the request path only
/// looks bytes up.
public struct PoolAnswers: Sendable {
    /// IsActive's response, or the status to answer instead.
    public var isActive: Result<[UInt8], GRPCStatus>
    /// Whether the pool wants burst (nil while unavailable), for streams.
    public var wantsBurst: Bool?
    /// GetMetrics responses by metric.
    public var metrics: [ScalerMetric: Result<[UInt8], GRPCStatus>]
    /// GetMetricSpec responses by metric, at the metric's default target.
    public var specs: [ScalerMetric: [UInt8]]
}
