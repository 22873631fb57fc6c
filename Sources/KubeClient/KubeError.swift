/// Why a ``KubeClient`` call or a ``KubeConfig`` load failed, classified so callers can decide what to do: re-read
/// and retry on ``Kind/conflict``, wait ``retryAfter`` on ``Kind/tooManyRequests``, treat ``Kind/notFound`` on a
/// delete as done...
///
/// When the API server answered with a `Status` object, ``reason`` and ``message`` are its own. Neither
/// ``message`` nor ``description`` ever contains the bearer token or key material.
public struct KubeError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public let kind: Kind
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// The `Status` object's machine-readable reason, e.g. `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`.
    public let reason: String?
    /// What went wrong: the `Status` message, or what the client was doing and why it failed.
    public let message: String
    /// Seconds to wait before retrying: the `Retry-After` header, else the `Status` object's
    /// `details.retryAfterSeconds`.
    public let retryAfter: Double?
    /// The underlying error: an `HTTPClientError` for ``Kind/transport``, a `DecodingError` for ``Kind/decoding``,
    /// the `change` closure's error for ``Kind/aborted``.
    public let cause: (any Error)?

    /// Creates an error (the client builds these; fakes may too).
    public init(
        kind: Kind,
        status: Int? = nil,
        reason: String? = nil,
        message: String,
        retryAfter: Double? = nil,
        cause: (any Error)? = nil
    ) {
        self.kind = kind
        self.status = status
        self.reason = reason
        self.message = message
        self.retryAfter = retryAfter
        self.cause = cause
    }

    public var description: String {
        var text = "Kubernetes \(kind)"
        switch (status, reason) {
        case (let status?, let reason?): text += " (HTTP \(status) \(reason))"
        case (let status?, nil): text += " (HTTP \(status))"
        case (nil, let reason?): text += " (\(reason))"
        case (nil, nil): break
        }
        text += ": \(message)"
        if let retryAfter {
            text += " (retry after \(retryAfter) s)"
        }
        return text
    }

    /// The same error with `context` (e.g. "GET /api/v1/nodes") in front of the message.
    func prefixed(with context: String) -> KubeError {
        KubeError(
            kind: kind, status: status, reason: reason, message: "\(context): \(message)", retryAfter: retryAfter,
            cause: cause)
    }
}
