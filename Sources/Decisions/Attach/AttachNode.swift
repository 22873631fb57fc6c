/// The Node object that stands for one attached RunPod pod: `runpod-<podId>`, labelled with its pool and GPU
/// type, tainted `NoSchedule`, Ready while the pod is RUNNING and its tunnel is up.
public struct AttachNode: Sendable, Equatable {
    /// The label every such node carries (with `<namespace>.<name>` of its pool); orphans are found by it.
    public static let poolLabel = "gpuburst.io/pool"
    /// Local occupancy ignores nodes with this label value.
    public static let gpuTypeLabel = "gpu-type"
    public static let gpuTypeValue = "runpod"
    /// The taint key (effect `NoSchedule`).
    public static let taintKey = "gpuburst.io/runpod"

    public var name: String
    public var pool: PoolID
    public var podId: String
    /// RunPod's GPU type id, e.g. `NVIDIA L40S`.
    public var gpuTypeId: String
    public var gpuCount: Int
    public var ready: Bool
    /// Why it is (not) Ready, for the condition's message.
    public var reason: String

    public init(
        name: String, pool: PoolID, podId: String, gpuTypeId: String, gpuCount: Int, ready: Bool, reason: String
    ) {
        self.name = name
        self.pool = pool
        self.podId = podId
        self.gpuTypeId = gpuTypeId
        self.gpuCount = gpuCount
        self.ready = ready
        self.reason = reason
    }

    /// `runpod-<podId>`: lowercased, and anything a node name may not hold (`pod_abc`) as `-`.
    public static func name(forPod podId: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        let id = String(podId.lowercased().map { allowed.contains($0) ? $0 : "-" })
        return String(("runpod-" + id).prefix(253))
    }

    /// `<namespace>.<name>` of the pool.
    public static func poolValue(_ pool: PoolID) -> String { "\(pool.namespace).\(pool.name)" }
}
