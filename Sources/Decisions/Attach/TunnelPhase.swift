/// Where one pod's tunnel is (the `state` label of `runpod_autoscaler_tunnels`).
public enum TunnelPhase: String, Sendable, Hashable, CaseIterable {
    /// The pod is RUNNING but RunPod names no direct SSH address yet.
    case waiting
    /// A session is being set up.
    case connecting
    /// The session is up with every forward.
    case up
    /// The session ended or could not be set up; a retry is due after a backoff.
    case down
    /// Not up within `attach.timeoutSeconds`: the pod counts as failed and is replaced.
    case failed
}
