internal import CGRPCShim

/// One accepted streaming (or unknown-method) call: owns the core's call
/// handle and starts op batches on it. Every pending batch's tag keeps the
/// call alive. Unary calls of registered methods are served by a `CallSlot`
/// instead, without one of these.
final class ServerCall: @unchecked Sendable {
    // Written once at init, then read-only; the core's call is thread-safe.
    private let call: OpaquePointer
    let method: String
    let context: CallContext
    let startedAt: ContinuousClock.Instant

    /// - Parameters:
    ///   - call: the core's call; this object takes over its reference.
    ///   - deadlineRemainingMilliseconds: negative without a deadline.
    init(call: OpaquePointer, method: String, deadlineRemainingMilliseconds remaining: Int64) {
        self.call = call
        self.method = method
        startedAt = ContinuousClock.now
        context = CallContext(
            method: method,
            deadline: remaining < 0 ? nil : startedAt.advanced(by: .milliseconds(remaining))
        )
    }

    deinit {
        rpa_call_unref(call)
    }

    /// Starts `batch`; `onComplete` runs on the poller thread with the batch's
    /// success flag. The call and the batch live until then.
    func start(_ batch: OpBatch, _ operation: String, onComplete: @escaping @Sendable (Bool) -> Void)
        throws(GRPCServerError)
    {
        let tag = ClosureTag { [self] success in
            withExtendedLifetime((self, batch)) { onComplete(success) }
        }
        let pointer = tag.retainedPointer()
        let result = batch.start(on: call, tag: pointer)
        if result != GRPC_CALL_OK { CompletionTag.release(pointer) }
        try checkCall(result, operation)
    }
}
