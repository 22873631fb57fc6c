import Decisions
import Foundation
import KubeClient
import Primitives

/// The RunPodPool `status` written after each reconcile pass: counts, cost,
/// pods, conditions. Pure, so what each condition means is tested directly.
public enum PoolStatusDocument {
    /// `status.selector` for the scale subresource.
    public static func selector(for pool: PoolID) -> String { "gpuburst.io/pool=\(pool.name)" }

    /// The conditions for `status`, keeping each one's transition time while
    /// its status does not change.
    public static func conditions(
        for status: PoolReconcileStatus, previous: [PoolCondition], now: Date
    ) -> [PoolCondition] {
        func condition(_ type: String, _ value: Bool, _ reason: String, _ message: String) -> PoolCondition {
            let text = value ? "True" : "False"
            let since = previous.first { $0.type == type && $0.status == text }?.lastTransitionTime ?? now
            return PoolCondition(type: type, status: text, reason: reason, message: message, lastTransitionTime: since)
        }
        let ready = status.counted == status.desired && status.running == status.desired
        var readyReason = "AtDesired"
        var readyMessage = "\(status.running) of \(status.desired) pods running"
        if !ready {
            readyReason = status.block == nil ? "Scaling" : "Blocked"
            if let block = status.block { readyMessage += "; \(block)" }
        }
        var noCapacity = false
        var overBudget = false
        if case .noCapacity? = status.block { noCapacity = true }
        if case .budget? = status.block { overBudget = true }
        return [
            condition("Ready", ready, readyReason, readyMessage),
            condition(
                "CapacityAvailable", !noCapacity, noCapacity ? "NoCapacity" : "OfferingAvailable",
                noCapacity ? "every GPU type and cloud of the pool answered no capacity" : "an offering accepts creates"
            ),
            condition(
                "BudgetExceeded", overBudget, overBudget ? "MaxCostPerHour" : "WithinBudget",
                String(format: "%.2f USD/h", status.costPerHour)),
            condition(
                "Unauthorized", status.stoppedReason != nil, status.stoppedReason == nil ? "Authorized" : "Refused",
                status.stoppedReason ?? "RunPod accepts the API key"),
        ]
    }

    public static func status(
        for status: PoolReconcileStatus, pool: ClusterPool, conditions: [PoolCondition], podPrice: Double? = nil
    ) -> JSONValue {
        let pods: [JSONValue] = status.pods.sorted { $0.name < $1.name }.map { pod in
            var entry: JSONValue = [
                "id": .string(pod.id), "name": .string(pod.name), "status": .string(pod.status),
                "costPerHour": .number(pod.costPerHour),
            ]
            if let offering = pod.offering {
                entry["gpuTypeId"] = .string(offering.gpuTypeId)
                entry["cloud"] = .string(offering.cloud.rawValue)
            }
            if let created = pod.createdAt {
                entry["createdAt"] = .string(RFC3339Timestamp.seconds(created))
            }
            return entry
        }
        var document: JSONValue = [
            "replicas": .number(Double(status.pods.count)),
            "readyReplicas": .number(Double(status.running)),
            "costPerHour": .number((status.costPerHour * 100).rounded() / 100),
            "observedGeneration": .number(Double(pool.generation)),
            "selector": .string(selector(for: pool.spec.id)),
            "pods": .array(pods),
            "conditions": .array(
                conditions.map { condition in
                    [
                        "type": .string(condition.type), "status": .string(condition.status),
                        "reason": .string(condition.reason), "message": .string(condition.message),
                        "lastTransitionTime": .string(
                            RFC3339Timestamp.seconds(condition.lastTransitionTime)),
                        "observedGeneration": .number(Double(pool.generation)),
                    ]
                }),
        ]
        if let podPrice { document["podPricePerHour"] = .number(podPrice) }
        return document
    }
}
