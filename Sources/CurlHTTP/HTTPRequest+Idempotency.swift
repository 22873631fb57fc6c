extension HTTPRequest {
    /// Whether sending the request twice has the effect of sending it once
    /// (RFC 9110 §9.2.2). Only these may be retried by libcurl on a dead
    /// reused connection.
    public var isIdempotent: Bool {
        ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"].contains(method.uppercased())
    }
}
