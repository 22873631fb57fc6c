/// A canned answer of a ``RecordingHTTPServer``.
public struct CannedResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header names and values.
    public var headers: [String: String]
    /// The body as text.
    public var body: String

    /// An answer with `status`, `headers` and `body` as given.
    public init(status: Int, headers: [String: String] = [:], body: String = "") {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON document (`Content-Type: application/json` unless `headers` name another).
    public static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> CannedResponse {
        CannedResponse(
            status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
    }
}
