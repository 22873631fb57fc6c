/// One request as a ``RecordingHTTPServer`` received it.
public struct RecordedRequest: Sendable {
    /// `GET`, `POST`...
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The raw (still percent-encoded) query.
    public var query: String?
    /// Lowercased names.
    public var headers: [String: String]
    /// The body as text.
    public var body: String

    /// A request as received.
    public init(method: String, path: String, query: String?, headers: [String: String], body: String) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
