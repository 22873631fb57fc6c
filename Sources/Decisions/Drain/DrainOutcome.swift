/// How a drain ended.
public enum DrainOutcome: Sendable, Equatable {
    /// Every selected pod is gone (or there was none).
    case drained
    /// Dry run: the pods were listed, nothing was sent.
    case dryRun
    /// The timeout passed with selected pods still listed.
    case timedOut
    /// RunPod refused the key (401, 402 or 403): retrying cannot help.
    case refused(String)
    /// No list succeeded before the timeout: the pods are unknown.
    case unreachable(String)
}
