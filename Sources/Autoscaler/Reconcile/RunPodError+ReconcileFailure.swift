import Decisions
import RunPodAPI

extension RunPodError {
    /// The one mapping of RunPod's error kinds to the reconcile machine's failure cases.
    var reconcileFailure: ReconcileFailure {
        switch kind {
        case .noCapacity: ReconcileFailure(.noCapacity, detail: description)
        case .serverError, .transport: ReconcileFailure(.answerLost, detail: description)
        case .rateLimited: ReconcileFailure(.rateLimited, detail: description, retryAfterSeconds: retryAfter)
        case .unauthorized, .forbidden, .paymentRequired:
            ReconcileFailure(.refused, detail: "\(kind) (\(status.map(String.init) ?? "-")): \(message)")
        case .notFound: ReconcileFailure(.notFound, detail: description)
        default: ReconcileFailure(.other, detail: description)
        }
    }
}
