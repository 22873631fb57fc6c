internal import CGRPCShim

/// The storage of one posted request for a registered method, reused call
/// after call: the core fills it (call handle, deadline, request message) and
/// fires it as a tag; a unary call's one reply batch then runs on the same
/// storage with the same object as its tag. No allocation per call.
///
/// The slot is its own completion tag, retained once per posting and released
/// once per completion. It is only touched by the thread that posts it and then
/// by the poller thread, never concurrently.
final class CallSlot: CompletionTag, @unchecked Sendable {
    /// requested (posted for a new call) → replying (a unary reply in flight)
    /// → back to the pool, reset.
    enum Phase {
        case requested
        case replying(startedAt: ContinuousClock.Instant, code: StatusCode)
    }

    let raw: UnsafeMutablePointer<rpa_slot>
    var phase = Phase.requested
    /// The method the slot was posted for; set before each posting.
    var method: RegisteredMethod?
    /// The server and queue it was posted on, for the next posting.
    var core: OpaquePointer?
    var queue: OpaquePointer?
    /// Runs the completion. Strong: a posted slot keeps its server alive; the
    /// cycle through the server's pool is broken when the server shuts down.
    let owner: GRPCServer

    init(owner: GRPCServer) {
        raw = rpa_slot_create()
        self.owner = owner
    }

    deinit {
        rpa_slot_destroy(raw)
    }

    override func complete(success: Bool) {
        owner.slotCompleted(self, success: success)
    }

    /// The request message the core read up front; nil when the client
    /// half-closed without one.
    var request: [UInt8]? {
        var length = 0
        guard let bytes = rpa_slot_payload_bytes(raw, &length) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: length))
    }

    /// Milliseconds until the client's deadline; negative without one.
    var deadlineRemainingMilliseconds: Int64 {
        Int64(rpa_slot_deadline_remaining_ms(raw))
    }

    /// Hands the call over to a `ServerCall` (streams), which then owns it.
    func takeCall(_ method: String) -> ServerCall {
        let remaining = deadlineRemainingMilliseconds
        return ServerCall(call: rpa_slot_take_call(raw)!, method: method, deadlineRemainingMilliseconds: remaining)
    }

    /// Starts the unary reply batch with `tag` (this slot, retained); false
    /// when the core refused it (the call is gone).
    func startUnaryReply(_ result: Result<[UInt8], GRPCStatus>, tag: UnsafeMutableRawPointer) -> Bool {
        let error: grpc_call_error
        switch result {
        case .success(let bytes):
            error = bytes.withUnsafeBytes { buffer in
                rpa_slot_start_unary_reply(raw, buffer.baseAddress, buffer.count, 1, 0, nil, tag)
            }
        case .failure(let status):
            error = status.message.withCString { details in
                rpa_slot_start_unary_reply(raw, nil, 0, 0, status.code.rawValue, details, tag)
            }
        }
        return error == GRPC_CALL_OK
    }

    /// Frees what the last call left, for the next posting.
    func reset() {
        rpa_slot_reset(raw)
        phase = .requested
        method = nil
    }
}
