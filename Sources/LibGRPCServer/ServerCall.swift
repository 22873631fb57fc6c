internal import CGRPCShim

/// One accepted call: owns the core's call handle and its details, and starts
/// op batches on it. Every pending batch's tag keeps the call alive.
final class ServerCall: @unchecked Sendable {
    // Written once by the core before the call was accepted, then read-only.
    private let incoming: UnsafeMutablePointer<rpa_incoming>
    let method: String
    let context: CallContext
    let startedAt: ContinuousClock.Instant

    init(incoming: UnsafeMutablePointer<rpa_incoming>) {
        self.incoming = incoming
        var length = 0
        let start = rpa_incoming_method(incoming, &length)
        let bytes = UnsafeRawBufferPointer(start: start, count: length)
        method = String(decoding: bytes, as: UTF8.self)
        let remaining = rpa_incoming_deadline_remaining_ms(incoming)
        startedAt = ContinuousClock.now
        context = CallContext(
            method: method,
            deadline: remaining < 0 ? nil : startedAt.advanced(by: .milliseconds(remaining))
        )
    }

    deinit {
        rpa_incoming_destroy(incoming)
    }

    /// Starts `batch`; `onComplete` runs on the poller thread with the batch's
    /// success flag. The call and the batch live until then.
    func start(_ batch: OpBatch, _ operation: String, onComplete: @escaping @Sendable (Bool) -> Void)
        throws(GRPCServerError)
    {
        let tag = CompletionTag { [self] success in
            withExtendedLifetime((self, batch)) { onComplete(success) }
        }
        let pointer = tag.retainedPointer()
        let result = batch.start(on: incoming.pointee.call, tag: pointer)
        if result != GRPC_CALL_OK { CompletionTag.release(pointer) }
        try checkCall(result, operation)
    }
}
