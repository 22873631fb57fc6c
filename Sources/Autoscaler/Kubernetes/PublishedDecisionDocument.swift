import Decisions
import Foundation
import Primitives

/// `status.decision` of a RunPodPool: the leader's decision, its metric
/// values and the policy memory behind them, for the other replicas.
public enum PublishedDecisionDocument {
    public static func json(_ published: PublishedDecision) -> JSONValue {
        let decision = published.decision
        var memory: JSONValue = ["burst": .number(Double(decision.memory.burst))]
        if let busy = decision.memory.lastBusyAt { memory["lastBusyAt"] = .string(RFC3339Timestamp.microseconds(busy)) }
        if let since = decision.memory.lowerSince {
            memory["lowerSince"] = .string(RFC3339Timestamp.microseconds(since))
        }
        var values: JSONValue = [:]
        for metric in ScalerMetric.allCases {
            if let value = published.values[metric] { values[metric.rawValue] = .number(value) }
        }
        return [
            "leader": .string(published.leader),
            "publishedAt": .string(RFC3339Timestamp.microseconds(published.publishedAt)),
            "active": .bool(decision.thresholdActive),
            "burst": .number(Double(decision.burst)),
            "wanted": .number(Double(decision.wanted)),
            "reason": .string(decision.reason),
            "values": values,
            "memory": memory,
        ]
    }

    /// The published decision, or nil when absent or not readable (a follower then decides for itself).
    public static func parse(_ value: JSONValue) -> PublishedDecision? {
        guard let leader = value["leader"].string, let at = value["publishedAt"].string.flatMap(RFC3339Timestamp.parse),
            let burst = value["burst"].int, let wanted = value["wanted"].int, let active = value["active"].bool
        else { return nil }
        let memory = value["memory"]
        var values: [ScalerMetric: Double] = [:]
        for metric in ScalerMetric.allCases {
            if let number = value["values"][metric.rawValue].double { values[metric] = number }
        }
        let remembered = PolicyMemory(
            burst: memory["burst"].int ?? burst,
            lastBusyAt: memory["lastBusyAt"].string.flatMap(RFC3339Timestamp.parse),
            lowerSince: memory["lowerSince"].string.flatMap(RFC3339Timestamp.parse))
        let decision = Decision(
            thresholdActive: active, wanted: wanted, burst: burst, reason: value["reason"].string ?? "",
            memory: remembered)
        return PublishedDecision(leader: leader, publishedAt: at, decision: decision, values: values)
    }
}
