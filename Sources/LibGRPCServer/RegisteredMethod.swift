/// One served method path, registered with the core before the server
/// starts: its calls arrive already matched to it (no method string per
/// call) and, for unary and server-streaming methods, with the request
/// message already read.
final class RegisteredMethod: @unchecked Sendable {
    /// How many requests for this method are kept posted, so a burst of new
    /// calls does not wait for one re-post each.
    let outstanding: Int
    let path: String
    let handler: MethodHandler
    /// Whether the core reads the first message before reporting the call.
    let readsPayload: Bool
    /// Counts a finished call for metrics; made once per method.
    let record: (@Sendable (StatusCode, Duration) -> Void)?
    /// The core's handle for the registration; immutable, valid while the server lives.
    let handle: UnsafeMutableRawPointer

    init(
        path: String, handler: MethodHandler, handle: UnsafeMutableRawPointer,
        record: (@Sendable (StatusCode, Duration) -> Void)?
    ) {
        self.path = path
        self.handler = handler
        self.handle = handle
        self.record = record
        switch handler {
        case .unary:
            readsPayload = true
            outstanding = 16
        case .serverStreaming:
            readsPayload = true
            outstanding = 4
        case .bidiStreaming:
            readsPayload = false
            outstanding = 4
        }
    }

    /// Whether registering `handler` asks the core to read the request up front.
    static func readsPayload(_ handler: MethodHandler) -> Bool {
        if case .bidiStreaming = handler { return false }
        return true
    }
}
