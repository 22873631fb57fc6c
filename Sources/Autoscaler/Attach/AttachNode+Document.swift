import Decisions
import Foundation
import KubeClient
import Primitives

extension AttachNode {
    /// The Node object (without status): labels, a `NoSchedule` taint, and the RunPod pod it stands for.
    var object: JSONValue {
        [
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": [
                "name": .string(name),
                "labels": .object(labels),
                "annotations": ["gpuburst.io/runpod-pod-id": .string(podId)],
            ],
            "spec": [
                "taints": [
                    [
                        "key": .string(Self.taintKey), "value": .string(Self.poolValue(pool)),
                        "effect": "NoSchedule",
                    ]
                ]
            ],
        ]
    }

    /// The labels every such node carries; the GPU type id made a label value (`NVIDIA L40S` → `NVIDIA-L40S`).
    var labels: [String: JSONValue] {
        [
            "nvidia.com/gpu": "true",
            Self.gpuTypeLabel: .string(Self.gpuTypeValue),
            Self.poolLabel: .string(Self.poolValue(pool)),
            "nvidia.com/gpu.product": .string(Self.labelValue(gpuTypeId)),
        ]
    }

    /// The status: capacity and allocatable `nvidia.com/gpu`, and the Ready condition (heartbeat `now`, last
    /// transition `transitionAt`).
    func status(now: Date, transitionAt: Date) -> JSONValue {
        let gpus = JSONValue.string(String(gpuCount))
        let time = JSONValue.string(RFC3339Timestamp.seconds(now))
        return [
            "capacity": ["nvidia.com/gpu": gpus],
            "allocatable": ["nvidia.com/gpu": gpus],
            "conditions": [
                [
                    "type": "Ready", "status": ready ? "True" : "False",
                    "reason": ready ? "TunnelUp" : "TunnelNotUp", "message": .string(reason),
                    "lastHeartbeatTime": time,
                    "lastTransitionTime": .string(RFC3339Timestamp.seconds(transitionAt)),
                ]
            ],
        ]
    }

    /// A label value: at most 63 of `[A-Za-z0-9._-]`, starting and ending alphanumeric.
    static func labelValue(_ text: String) -> String {
        let mapped = String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "-" })
        let trimmed = mapped.prefix(63).trimmingCharacters(in: CharacterSet.alphanumerics.inverted)
        return trimmed
    }
}
