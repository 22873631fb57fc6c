/// What the soak does to the world between and during passes; counted per
/// sequence so a test can show every kind happened.
public enum SoakEvent: String, CaseIterable, Sendable, Hashable {
    /// A pool's desired count moves (up, down, past maxReplicas).
    case demandJump
    /// A pool's desired count drops to zero.
    case demandZero
    /// A pool has no decision (stale demand): held as it is.
    case demandHold
    /// The fault shares, list lag and stuck-pod share change.
    case faultRegime
    /// An offering's GPU stock changes.
    case capacityChange
    /// A GPU type's price changes (new pods pay it; running ones keep theirs).
    case priceChange
    case gpuTypeRemoved
    case gpuTypeRestored
    /// A pod's host fails (ERROR) or its container exits (EXITED).
    case podError
    case podExited
    /// A pod is deleted outside the autoscaler (a later terminate answers 404).
    case podVanished
    /// A replica restarts between passes: a fresh machine, pods already at RunPod.
    case restart
    /// A replica dies in the middle of a call: RunPod may have done it, the answer is never read.
    case crashMidPass
    /// Leadership goes to nobody for a while, then to either replica.
    case leadershipMoved
    /// The leader loses the lease during a pass: its next mutating call is not made (`notPermitted`).
    case leadershipLostMidPass
    /// A pool disappears (its pods become orphans) or comes back.
    case poolRemoved
    case poolRestored
}
