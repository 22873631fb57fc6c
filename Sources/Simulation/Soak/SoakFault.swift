import Decisions

/// One way a RunPod call goes wrong in the soak, on top of what the account's
/// capacity and catalog answer by themselves.
public enum SoakFault: String, CaseIterable, Sendable, Hashable {
    /// 400 "no capacity" although the stock said otherwise (RunPod's availability is racy).
    case noCapacity
    /// A timeout or a 5xx before RunPod did anything.
    case lostBeforeRunPod
    /// RunPod did it (the pod exists, or is gone) and the answer was lost: a 5xx or a timeout.
    case lostAfterRunPod
    /// 429, with or without `Retry-After`.
    case rateLimited
    /// 401, 403 or 402.
    case refused
    /// 404 on a call that is not about a known pod.
    case notFound
    /// Any other 4xx (409, 422, an undecodable answer): nothing done.
    case other

    /// The machine's view of it, as the executor's one mapping function gives it.
    func failure(retryAfter: Double?, refusal: Int) -> ReconcileFailure {
        switch self {
        case .noCapacity:
            ReconcileFailure(.noCapacity, detail: "400: There are no longer any instances available")
        case .lostBeforeRunPod, .lostAfterRunPod: ReconcileFailure(.answerLost, detail: "500 or timeout: answer lost")
        case .rateLimited:
            ReconcileFailure(.rateLimited, detail: "429: rate limit exceeded", retryAfterSeconds: retryAfter)
        case .refused:
            ReconcileFailure(
                .refused,
                detail: ["401: invalid bearer token", "403: access denied", "402: insufficient balance"][refusal])
        case .notFound: ReconcileFailure(.notFound, detail: "404: not found")
        case .other: ReconcileFailure(.other, detail: "409: conflict")
        }
    }
}
