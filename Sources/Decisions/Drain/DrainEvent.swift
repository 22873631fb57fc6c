/// The answer to the drain machine's last call.
public enum DrainEvent: Sendable, Equatable {
    /// Every pod of the account, ours or not.
    case listed([ObservedPod])
    case listFailed(ReconcileFailure)
    /// The terminate was accepted (a 404, already gone, counts as accepted).
    case terminated
    case terminateFailed(ReconcileFailure)
}
