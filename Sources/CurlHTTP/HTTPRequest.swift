/// One HTTP request for ``HTTPClient/execute(_:)``.
public struct HTTPRequest: Sendable {
    /// The method token, e.g. `GET`, `POST`, `DELETE`.
    public var method: String
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Header fields in the order they are sent. They never appear in an ``HTTPClientError``.
    public var headers: [(name: String, value: String)]
    /// The request body, sent with a `Content-Length`; `nil` sends none.
    public var body: [UInt8]?
    /// The total time allowed for this request; `nil` uses ``HTTPClient/Configuration/timeout``.
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
