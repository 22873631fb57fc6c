import Decisions
import LibGRPCServer

/// One pool as the latest snapshot sees it. A class: the spec and decision make it about 700 bytes, and a
/// dictionary of structs that size keeps twice the room in empty buckets (1.6 MB at 1,000 pools).
public final class PoolView: Sendable {
    public let spec: PoolSpec
    /// nil while the demand source is stale.
    public let decision: Decision?
    /// Why there is no decision.
    public var unavailable: StaleSource? { staleSource?.value }
    let staleSource: SharedStaleSource?
    /// The values that can be reported now.
    public let values: PerMetric<Double?>
    public let answers: PoolAnswers
    /// The leader whose published decision this replica serves; nil: its own.
    public let servedFrom: String?
    /// Following a leader but deciding alone: why (its decision is missing or stale).
    public let ownDecisionReason: String?

    public init(
        spec: PoolSpec, decision: Decision?, unavailable: SharedStaleSource?, values: PerMetric<Double?>,
        answers: PoolAnswers, servedFrom: String? = nil, ownDecisionReason: String? = nil
    ) {
        self.spec = spec
        self.decision = decision
        self.staleSource = unavailable
        self.values = values
        self.answers = answers
        self.servedFrom = servedFrom
        self.ownDecisionReason = ownDecisionReason
    }

    /// The metric name KEDA is told for `metric` of this pool.
    public func metricName(_ metric: ScalerMetric) -> String {
        MetricNaming.name(pool: spec.id, metric: metric)
    }
}
