/// How one method is served. Handlers run on the server's poller thread, so
/// they must not block: answer from memory and hand anything slow elsewhere.
public enum MethodHandler: Sendable {
    /// One request, one response (or an error status).
    case unary(@Sendable (CallContext, [UInt8]) -> Result<[UInt8], GRPCStatus>)
    /// One request; the handler keeps the stream and sends on it until it
    /// finishes it or the client cancels.
    case serverStreaming(@Sendable (CallContext, [UInt8], ServerStream) -> Void)
    /// Called once per request message of the client; when the client
    /// half-closes, the server finishes the stream with OK after the queued
    /// responses.
    case bidiStreaming(@Sendable (CallContext, [UInt8], ServerStream) -> Void)
}
