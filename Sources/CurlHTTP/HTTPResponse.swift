/// A complete HTTP response: status, header fields and body.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields by lowercased name; repeated fields are joined with ", ".
    public var headers: [String: String]
    /// The body, at most ``HTTPClient/Configuration/maxResponseBytes`` long.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the header field `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
