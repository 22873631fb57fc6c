/// Why a ``RunPodClient`` call failed, classified so callers can decide what to do next: try the next GPU type on
/// ``Kind/noCapacity``, wait ``retryAfter`` on ``Kind/rateLimited``, stop on ``Kind/paymentRequired``...
///
/// Neither ``message`` nor ``description`` ever contains the API key.
public struct RunPodError: Error, Sendable, CustomStringConvertible {
    /// The class of failure.
    public let kind: Kind
    /// The HTTP status, when a response arrived.
    public let status: Int?
    /// What went wrong, including the service's `detail` and `errors` when it sent them.
    public let message: String
    /// Seconds to wait before retrying, from the `Retry-After` header.
    public let retryAfter: Double?
    /// The rate-limit headers of the answer, when it had them.
    public var rateLimit: RunPodRateLimit? = nil
    /// The underlying error: an `HTTPClientError` for ``Kind/transport``, a `DecodingError` for ``Kind/decoding``.
    public let cause: (any Error)?

    /// Creates an error (the client builds these; fakes may too).
    public init(kind: Kind, status: Int? = nil, message: String, retryAfter: Double? = nil, cause: (any Error)? = nil) {
        self.kind = kind
        self.status = status
        self.message = message
        self.retryAfter = retryAfter
        self.cause = cause
    }

    public var description: String {
        var text = "RunPod \(kind)"
        if let status {
            text += " (HTTP \(status))"
        }
        text += ": \(message)"
        if let retryAfter {
            text += " (retry after \(retryAfter) s)"
        }
        return text
    }
}
