internal import CGRPCShim

/// One batch of call operations and the memory its ops point into. It is kept
/// alive by the completion tag until the core reports the batch done.
final class OpBatch: @unchecked Sendable {
    // Touched by the thread that builds the batch, then only by the poller
    // thread after completion; never concurrently.
    fileprivate let raw: UnsafeMutablePointer<rpa_batch>

    init() {
        raw = rpa_batch_create()
    }

    deinit {
        rpa_batch_destroy(raw)
    }

    func sendInitialMetadata() -> OpBatch {
        rpa_batch_add_send_initial_metadata(raw)
        return self
    }

    func sendMessage(_ bytes: [UInt8]) -> OpBatch {
        bytes.withUnsafeBytes { rpa_batch_add_send_message(raw, $0.baseAddress, $0.count) }
        return self
    }

    func sendStatus(_ status: GRPCStatus) -> OpBatch {
        rpa_batch_add_send_status(raw, status.code.rawValue, status.message)
        return self
    }

    func receiveMessage() -> OpBatch {
        rpa_batch_add_recv_message(raw)
        return self
    }

    func receiveClose() -> OpBatch {
        rpa_batch_add_recv_close(raw)
        return self
    }

    /// The message a RECV_MESSAGE op delivered; nil when the client half-closed.
    var receivedMessage: [UInt8]? {
        var length = 0
        guard let bytes = rpa_batch_message_bytes(raw, &length) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: bytes, count: length))
    }

    /// Whether RECV_CLOSE_ON_SERVER saw the call cancelled (client gone,
    /// deadline passed, or the server cancelled it).
    var wasCancelled: Bool { rpa_batch_was_cancelled(raw) != 0 }

    /// Starts the batch on `call`; the returned code goes through `check`.
    func start(on call: OpaquePointer, tag: UnsafeMutableRawPointer) -> grpc_call_error {
        rpa_batch_start(call, raw, tag)
    }
}
