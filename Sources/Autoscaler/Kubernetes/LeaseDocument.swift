import Decisions
import Foundation
import KubeClient
import Primitives

/// `coordination.k8s.io/v1` Lease objects to and from `LeaseRecord`.
enum LeaseDocument {
    static func record(_ object: JSONValue) -> LeaseRecord {
        let spec = object["spec"]
        return LeaseRecord(
            holder: spec["holderIdentity"].string,
            leaseDurationSeconds: spec["leaseDurationSeconds"].int ?? 15,
            acquireTime: spec["acquireTime"].string.flatMap(RFC3339Timestamp.parse),
            renewTime: spec["renewTime"].string.flatMap(RFC3339Timestamp.parse),
            transitions: spec["leaseTransitions"].int ?? 0,
            resourceVersion: object["metadata"]["resourceVersion"].string)
    }

    static func object(_ record: LeaseRecord, name: String, namespace: String) -> JSONValue {
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
        if let version = record.resourceVersion { metadata["resourceVersion"] = .string(version) }
        var spec: JSONValue = [
            "holderIdentity": .string(record.holder ?? ""),
            "leaseDurationSeconds": .number(Double(record.leaseDurationSeconds)),
            "leaseTransitions": .number(Double(record.transitions)),
        ]
        if let acquired = record.acquireTime { spec["acquireTime"] = .string(RFC3339Timestamp.microseconds(acquired)) }
        if let renewed = record.renewTime { spec["renewTime"] = .string(RFC3339Timestamp.microseconds(renewed)) }
        return [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata, "spec": spec,
        ]
    }
}
