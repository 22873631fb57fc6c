/// The answer to the machine's last `ReconcileCommand`, or a change of the
/// executor's right to act.
public enum ReconcileEvent: Sendable, Equatable {
    /// USD per hour of one GPU of each offering the catalog prices.
    case catalogRead(pricesPerGPU: [Offering: Double])
    case catalogFailed(ReconcileFailure)
    /// Every pod of the account, ours or not.
    case listed([ObservedPod])
    case listFailed(ReconcileFailure)
    case created(podId: String)
    case createFailed(ReconcileFailure)
    case terminated
    case terminateFailed(ReconcileFailure)
    /// This replica lost the right to act (leadership) before the command was
    /// made: the rest of the pass changes nothing.
    case notPermitted
}
