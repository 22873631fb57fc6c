import Decisions
import KubeClient
import Primitives

/// Reads the Node and Pod fields local occupancy needs.
public enum ClusterObjects {
    public static let gpuResource = "nvidia.com/gpu"

    public static func node(_ object: JSONValue) -> ClusterNode {
        let conditions = object["status"]["conditions"].array ?? []
        let ready = conditions.contains { $0["type"].string == "Ready" && $0["status"].string == "True" }
        return ClusterNode(
            name: object["metadata"]["name"].string ?? "",
            ready: ready,
            unschedulable: object["spec"]["unschedulable"].bool ?? false,
            allocatableGPUs: quantity(object["status"]["allocatable"][gpuResource]),
            isRunPod: object["metadata"]["labels"][AttachNode.gpuTypeLabel].string == AttachNode.gpuTypeValue)
    }

    public static func pod(_ object: JSONValue) -> ClusterPod {
        func gpus(_ container: JSONValue) -> Int {
            let resources = container["resources"]
            let request = resources["requests"][gpuResource]
            return quantity(request.isNull ? resources["limits"][gpuResource] : request)
        }
        let spec = object["spec"]
        let running = (spec["containers"].array ?? []).reduce(0) { $0.adding(saturating: gpus($1)) }
        let initial = (spec["initContainers"].array ?? []).map(gpus).max() ?? 0
        return ClusterPod(
            namespace: object["metadata"]["namespace"].string ?? "",
            name: object["metadata"]["name"].string ?? "",
            nodeName: spec["nodeName"].string.flatMap { $0.isEmpty ? nil : $0 },
            phase: object["status"]["phase"].string ?? "Pending",
            labels: (object["metadata"]["labels"].object ?? [:]).compactMapValues(\.string),
            gpus: max(running, initial))
    }

    /// Whole-number quantities ("2", 2) as extended resources use; others read as 0.
    static func quantity(_ value: JSONValue) -> Int {
        if let number = value.int { return number }
        if let text = value.string, let number = Int(text) { return number }
        return 0
    }
}
