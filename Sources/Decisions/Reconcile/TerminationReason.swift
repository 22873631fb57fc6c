/// Why a pod is terminated (the `reason` label of pod_terminations_total).
public enum TerminationReason: String, Sendable, Hashable, CaseIterable {
    /// More pods than desired.
    case scaleDown = "scale_down"
    /// EXITED or ERROR.
    case failed
    /// Not RUNNING within the provision timeout.
    case provisionTimeout = "provision_timeout"
    /// Its pool no longer exists.
    case orphan
    /// Its RunPodPool is being deleted (the finalizer waits for it).
    case poolDeleted = "pool_deleted"
}
