/// One thing the executor should do.
public enum ReconcileAction: Sendable, Equatable {
    case create(name: String, offering: Offering, pricePerHour: Double)
    case terminate(podId: String, name: String, reason: TerminationReason)
}
