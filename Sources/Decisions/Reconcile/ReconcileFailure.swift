/// Why a RunPod call failed, as far as the reconcile machine cares. The
/// executor maps its client's errors to these (one function); the simulator
/// makes them directly.
public struct ReconcileFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The offering has no machine free: skip it for a while, try the next.
        case noCapacity
        /// No answer or a 5xx: a create may have succeeded anyway.
        case answerLost
        /// 429: no creates until `retryAfterSeconds` (10 s when not given).
        case rateLimited
        /// 401, 403 or 402: the account may not create; stop creates.
        case refused
        /// 404: the pod is already gone.
        case notFound
        /// Anything else (4xx, undecodable answer): back off.
        case other
    }

    public var kind: Kind
    /// Seconds from the `Retry-After` header, for `rateLimited`.
    public var retryAfterSeconds: Double?
    /// What went wrong, for logs, events and `/readyz`. Never holds a secret.
    public var detail: String

    public init(_ kind: Kind, detail: String, retryAfterSeconds: Double? = nil) {
        self.kind = kind
        self.detail = detail
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { detail }
}
