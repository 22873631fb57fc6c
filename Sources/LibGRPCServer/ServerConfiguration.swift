/// How a `GRPCServer` listens.
public struct ServerConfiguration: Sendable {
    /// `host:port`; port 0 picks a free one (see `GRPCServer.boundPort`).
    public var address: String
    /// Requests larger than this are refused with RESOURCE_EXHAUSTED by the core.
    public var maxMessageBytes: Int
    /// Plaintext when nil.
    public var tls: TLSConfiguration?
    /// Called once per finished call, for metrics; must be cheap.
    public var onCallFinished: (@Sendable (_ method: String, _ code: StatusCode, _ duration: Duration) -> Void)?

    public init(
        address: String,
        maxMessageBytes: Int = 65536,
        tls: TLSConfiguration? = nil,
        onCallFinished: (@Sendable (String, StatusCode, Duration) -> Void)? = nil
    ) {
        self.address = address
        self.maxMessageBytes = maxMessageBytes
        self.tls = tls
        self.onCallFinished = onCallFinished
    }
}
