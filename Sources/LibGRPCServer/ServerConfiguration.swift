/// Given a method path, the recorder of that method's finished calls (status code, duration).
public typealias CallRecorderFactory =
    @Sendable (_ method: String) ->
    @Sendable (
        _ code: StatusCode, _ duration: Duration
    ) -> Void

/// How a `GRPCServer` listens.
public struct ServerConfiguration: Sendable {
    /// `host:port`; port 0 picks a free one (see `GRPCServer.boundPort`).
    public var address: String
    /// Requests larger than this are refused with RESOURCE_EXHAUSTED by the core.
    public var maxMessageBytes: Int
    /// Plaintext when nil.
    public var tls: TLSConfiguration?
    /// The most the core may hold in buffers for all connections together. The core keeps reading a message
    /// until the whole length its prefix announces has arrived (up to 4 GiB) and checks `maxMessageBytes` only
    /// then; past this quota it resets streams instead of buffering on.
    public var bufferQuotaBytes: Int
    /// Counts finished calls, for metrics. Asked once per served method path
    /// when the server starts (and per call of an unknown path); the closure it
    /// returns is called once per finished call and must be cheap.
    public var callRecorder: CallRecorderFactory?

    public init(
        address: String,
        maxMessageBytes: Int = 65536,
        tls: TLSConfiguration? = nil,
        bufferQuotaBytes: Int? = nil,
        callRecorder: CallRecorderFactory? = nil
    ) {
        self.address = address
        self.maxMessageBytes = maxMessageBytes
        // Room for many requests at the limit at once, and never less than 64 MiB.
        self.bufferQuotaBytes = bufferQuotaBytes ?? max(64 << 20, 16 * maxMessageBytes)
        self.tls = tls
        self.callRecorder = callRecorder
    }
}
