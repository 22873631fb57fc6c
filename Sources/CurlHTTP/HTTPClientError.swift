/// Why ``HTTPClient/execute(_:)`` produced no response.
///
/// The message names the method and the URL (without user info or query) and libcurl's own explanation; it never
/// contains request header values, so an `Authorization` secret cannot leak through a log line.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case timeout
        case connect
        case tls
        case tooLarge
        case transport
        case invalidRequest
        case shutdown
        case cancelled
    }

    private let code: Code
    /// What went wrong, in words an operator can act on.
    public let message: String
    /// libcurl's `CURLcode` when the failure came from libcurl.
    public let curlCode: Int?
    /// The underlying error, if another one caused this.
    public let cause: (any Error)?

    private init(_ code: Code, _ message: String, curlCode: Int? = nil, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.cause = cause
    }

    public var description: String { message }

    /// The connect or total timeout ran out.
    public var isTimeout: Bool { code == .timeout }
    /// No connection could be made: refused, unreachable, or the host or proxy name did not resolve.
    public var isConnectFailure: Bool { code == .connect }
    /// The TLS handshake or the peer's certificate verification failed.
    public var isTLSFailure: Bool { code == .tls }
    /// The response body passed ``HTTPClient/Configuration/maxResponseBytes``.
    public var isTooLarge: Bool { code == .tooLarge }
    /// The connection failed after it was made (reset, closed early, malformed response...).
    public var isTransport: Bool { code == .transport }
    /// The request could not be sent as given (bad URL, method, header or option).
    public var isInvalidRequest: Bool { code == .invalidRequest }
    /// The client was shut down before the request completed.
    public var isShutdown: Bool { code == .shutdown }
    /// The calling task was cancelled before the request completed.
    public var isCancelled: Bool { code == .cancelled }

    static func timeout(_ message: String, curlCode: Int? = nil) -> HTTPClientError {
        HTTPClientError(.timeout, message, curlCode: curlCode)
    }

    static func connect(_ message: String, curlCode: Int? = nil) -> HTTPClientError {
        HTTPClientError(.connect, message, curlCode: curlCode)
    }

    static func tls(_ message: String, curlCode: Int? = nil) -> HTTPClientError {
        HTTPClientError(.tls, message, curlCode: curlCode)
    }

    static func tooLarge(_ message: String, curlCode: Int? = nil) -> HTTPClientError {
        HTTPClientError(.tooLarge, message, curlCode: curlCode)
    }

    static func transport(_ message: String, curlCode: Int? = nil) -> HTTPClientError {
        HTTPClientError(.transport, message, curlCode: curlCode)
    }

    static func invalidRequest(_ message: String, curlCode: Int? = nil) -> HTTPClientError {
        HTTPClientError(.invalidRequest, message, curlCode: curlCode)
    }

    static func shutdown(_ message: String = "the HTTP client was shut down") -> HTTPClientError {
        HTTPClientError(.shutdown, message)
    }

    static func cancelled(_ message: String = "the request was cancelled") -> HTTPClientError {
        HTTPClientError(.cancelled, message)
    }

    /// The same error with `context` (e.g. "GET https://host/path") in front of the message.
    func prefixed(with context: String) -> HTTPClientError {
        HTTPClientError(code, "\(context): \(message)", curlCode: curlCode, cause: cause)
    }
}
