import Decisions
import LibGRPCServer

/// One pool as the latest snapshot sees it.
public struct PoolView: Sendable {
    public var spec: PoolSpec
    /// nil while the demand source is stale.
    public var decision: Decision?
    /// Why there is no decision.
    public var unavailable: StaleSource?
    /// The values that can be reported now.
    public var values: [ScalerMetric: Double]
    public var answers: PoolAnswers
    /// The leader whose published decision this replica serves; nil: its own.
    public var servedFrom: String?
    /// Following a leader but deciding alone: why (its decision is missing or stale).
    public var ownDecisionReason: String?

    /// The metric name KEDA is told for `metric` of this pool.
    public func metricName(_ metric: ScalerMetric) -> String {
        MetricNaming.name(pool: spec.id, metric: metric)
    }
}
