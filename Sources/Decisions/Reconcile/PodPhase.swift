/// What the reconciler needs to know of a RunPod status.
public enum PodPhase: String, Sendable, Hashable, CaseIterable {
    /// PROVISIONING, STARTING, or a status this version does not know yet.
    case pending
    case running
    /// EXITED or ERROR: it will not serve again.
    case failed
    /// TERMINATED: gone, whatever the list still says.
    case terminated

    /// Maps RunPod's status text; unknown values count as pending so they
    /// are neither trusted as serving nor killed at once (the provision
    /// timeout still applies).
    public init(runPodStatus: String) {
        // RunPod's own spelling first: uppercasing every pod of a long list costs more than sorting it.
        switch runPodStatus {
        case "RUNNING": self = .running
        case "PROVISIONING", "STARTING", "CREATED": self = .pending
        default: self.init(anyCase: runPodStatus)
        }
    }

    private init(anyCase runPodStatus: String) {
        switch runPodStatus.uppercased() {
        case "RUNNING": self = .running
        case "EXITED", "ERROR", "DEAD": self = .failed
        case "TERMINATED": self = .terminated
        default: self = .pending
        }
    }
}
