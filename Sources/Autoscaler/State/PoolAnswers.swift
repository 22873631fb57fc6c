import Decisions
import LibGRPCServer
import ScalerProtos

/// A pool's gRPC answers, encoded once per snapshot so the request path only
/// looks bytes up (and copies them once into the answer cache on a miss).
public struct PoolAnswers: Sendable {
    /// Whether the pool wants burst (nil while unavailable): IsActive's answer, and what streams follow.
    public var wantsBurst: Bool?
    /// The status IsActive answers without a decision, and every metric without a value.
    public var unavailable: GRPCStatus
    /// GetMetrics responses by metric; empty for a metric without a value (a response is never empty: it
    /// names its metric). One status for all of them rather than six results keeps a view 150 bytes smaller.
    var metricBytes: PackedEncodings
    /// GetMetricSpec responses by metric, at the metric's default target.
    public var specs: PackedEncodings

    /// IsActive's response, or the status to answer instead.
    public var isActive: Result<[UInt8], GRPCStatus> {
        guard let wantsBurst else { return .failure(unavailable) }
        return .success(wantsBurst ? Self.active : Self.inactive)
    }

    /// GetMetrics' response for `metric`, or the status to answer instead.
    public func metric(_ metric: ScalerMetric) -> Result<[UInt8], GRPCStatus> {
        let bytes = metricBytes[metric]
        return bytes.isEmpty ? .failure(unavailable) : .success(Array(bytes))
    }

    /// IsActive's two possible responses, shared by every pool.
    static let active = encodeIsActive(true)
    static let inactive = encodeIsActive(false)

    private static func encodeIsActive(_ active: Bool) -> [UInt8] {
        var response = Externalscaler_IsActiveResponse()
        response.result = active
        return SnapshotBuilder.encode(response)
    }
}
