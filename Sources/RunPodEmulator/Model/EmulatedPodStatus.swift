/// A pod's lifecycle status, as RunPod's `PodStatus`.
public enum EmulatedPodStatus: String, Sendable, CaseIterable, Codable {
    case provisioning = "PROVISIONING"
    case starting = "STARTING"
    case running = "RUNNING"
    case exited = "EXITED"
    case error = "ERROR"
    case terminated = "TERMINATED"

    /// The actions valid now, as published in the pod's `actions`.
    public var actions: [EmulatedPodAction] {
        switch self {
        case .provisioning, .starting: [.stop, .terminate]
        case .running: [.stop, .restart, .terminate]
        case .exited, .error: [.start, .terminate]
        case .terminated: []
        }
    }

    /// Whether the pod is billed (and `cost` is its price): everything but EXITED and TERMINATED.
    public var isBilled: Bool { self != .exited && self != .terminated }
}
