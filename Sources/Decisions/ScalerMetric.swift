/// The values a trigger can scale on (metadata key `metric`).
public enum ScalerMetric: String, Sendable, CaseIterable {
    /// RunPod pods the pool wants (the default; target 1 makes replicas = burst).
    case burst
    /// Workers the queue needs in all, local included.
    case wanted
    /// Jobs waiting.
    case queueDepth
    /// Local GPUs free for this queue's workers.
    case localAvailable
    /// RunPod pods of the pool that exist now.
    case runpodPods
    /// Pods the pool may still add before a cap.
    case runpodHeadroom

    /// The lowercase `[a-z0-9-]` form used in metric names.
    public var kebabName: String {
        switch self {
        case .burst: "burst"
        case .wanted: "wanted"
        case .queueDepth: "queue-depth"
        case .localAvailable: "local-available"
        case .runpodPods: "runpod-pods"
        case .runpodHeadroom: "runpod-headroom"
        }
    }

    /// The target when the trigger sets no `targetValue`: one job batch per
    /// worker for the queue, one for every count.
    public func defaultTarget(for spec: PoolSpec) -> Double {
        switch self {
        case .queueDepth: Double(max(1, spec.scaling.jobsPerWorker))
        default: 1
        }
    }

    /// Whether the value comes from the demand source (and so is unavailable
    /// while that source is stale).
    public var dependsOnDemand: Bool {
        switch self {
        case .burst, .wanted, .queueDepth: true
        case .localAvailable, .runpodPods, .runpodHeadroom: false
        }
    }
}
