/// The strategies a simulation compares on the same trace.
public enum StrategyKind: String, Sendable, CaseIterable {
    /// The configured pool and policy, local baseline first.
    case policy
    /// The same policy without the local servers.
    case burstOnly = "burst-only"
    /// The local servers alone: no burst pods.
    case localOnly = "local-only"
    /// What ran before: cloud spot GPUs sized by the same policy, no local baseline.
    case before
}
