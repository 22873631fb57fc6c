import Foundation
import KubeClient
import Decisions

/// `coordination.k8s.io/v1` Lease objects to and from `LeaseRecord`.
enum LeaseDocument {
    static func record(_ object: JSONValue) -> LeaseRecord {
        let spec = object["spec"]
        return LeaseRecord(
            holder: spec["holderIdentity"].string,
            leaseDurationSeconds: spec["leaseDurationSeconds"].int ?? 15,
            acquireTime: spec["acquireTime"].string.flatMap(MicroTime.parse),
            renewTime: spec["renewTime"].string.flatMap(MicroTime.parse),
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
        if let acquired = record.acquireTime { spec["acquireTime"] = .string(MicroTime.format(acquired)) }
        if let renewed = record.renewTime { spec["renewTime"] = .string(MicroTime.format(renewed)) }
        return [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata, "spec": spec,
        ]
    }
}
