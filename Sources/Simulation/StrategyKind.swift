import Decisions

/// The strategies a simulation compares on the same trace.
public enum StrategyKind: Sendable, Equatable {
    /// The configured pool and policy, local baseline first.
    case policy
    /// The same pool sized by the other scaling mode (`queue` ↔ `rate`).
    case otherMode(ScalingMode)
    /// The configured policy without the local servers.
    case burstOnly
    /// The local servers alone: no burst pods.
    case localOnly
    /// What ran before: cloud spot GPUs sized by the same policy, no local baseline.
    case before
    /// A schedule that knows the future arrivals (`ClairvoyantSchedule`): the reference a policy is measured against.
    case clairvoyant

    /// Every strategy for a pool configured with `mode`, the configured one first.
    public static func all(configured mode: ScalingMode) -> [StrategyKind] {
        [.policy, .otherMode(mode == .queue ? .rate : .queue), .burstOnly, .localOnly, .before, .clairvoyant]
    }

    public var name: String {
        switch self {
        case .policy: "policy"
        case .otherMode(let mode): "policy-\(mode.rawValue)"
        case .burstOnly: "burst-only"
        case .localOnly: "local-only"
        case .before: "before"
        case .clairvoyant: "clairvoyant"
        }
    }
}
