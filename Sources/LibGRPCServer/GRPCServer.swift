internal import CGRPCShim
import Dispatch
import Foundation
import Synchronization

/// A gRPC server over the C core: one completion queue drained by one
/// dedicated OS thread, handlers run on that thread (no hop per request).
///
/// Lifecycle: `start()` binds and serves; `shutdown(gracePeriod:)` stops
/// accepting, finishes open streams with OK, drains in-flight calls until the
/// grace period ends, cancels the rest, then tears the core down in the order
/// it requires.
public final class GRPCServer: Sendable {
    /// The core's handles; only touched under `state`'s lock or by the poller.
    private struct Core: @unchecked Sendable {
        let server: OpaquePointer
        let queue: OpaquePointer
    }

    /// idle → running → stopping → stopped. Requests are re-posted only while
    /// running, under the lock, so none is posted after shutdown began.
    private enum State {
        case idle
        case running(Core)
        case stopping
        case stopped
    }

    /// How many `grpc_server_request_call`s are kept outstanding, so a burst
    /// of new calls does not wait for one re-post each.
    private static let outstandingRequests = 16

    private let configuration: ServerConfiguration
    private let handlers: [String: MethodHandler]
    private let state = Mutex(State.idle)
    private let openStreams = Mutex([ObjectIdentifier: ServerStream]())
    private let port = Atomic<Int>(0)
    private let pollerExited = DispatchSemaphore(value: 0)

    /// - Parameter handlers: by full method path, e.g. `/grpc.health.v1.Health/Check`.
    public init(configuration: ServerConfiguration, handlers: [String: MethodHandler]) {
        self.configuration = configuration
        self.handlers = handlers
    }

    /// The port the server is bound to (after `start()`).
    public var boundPort: Int { port.load(ordering: .acquiring) }

    /// Binds and starts serving; returns the bound port.
    @discardableResult
    public func start() throws(GRPCServerError) -> Int {
        try state.withLock { (state: inout State) throws(GRPCServerError) -> Void in
            guard case .idle = state else { throw .invalidState("the server was already started") }
            grpc_init()
            let max = Int32(clamping: configuration.maxMessageBytes)
            guard let server = rpa_server_create(max, max, configuration.bufferQuotaBytes) else {
                grpc_shutdown()
                throw .invalidState("grpc_server_create failed")
            }
            let queue = grpc_completion_queue_create_for_next(nil)!
            grpc_server_register_completion_queue(server, queue, nil)
            let bound: Int32
            if let tls = configuration.tls {
                bound = rpa_server_add_tls_port(
                    server, configuration.address, tls.certificateChainPEM, tls.privateKeyPEM, tls.clientCAPEM)
            } else {
                bound = rpa_server_add_insecure_port(server, configuration.address)
            }
            guard bound > 0 else {
                // A server that was never started may be destroyed directly.
                grpc_server_destroy(server)
                grpc_completion_queue_shutdown(queue)
                while rpa_cq_next(queue).type != 0 {}
                grpc_completion_queue_destroy(queue)
                grpc_shutdown()
                throw .bindFailed(configuration.address, tls: configuration.tls != nil)
            }
            port.store(Int(bound), ordering: .releasing)
            grpc_server_start(server)
            let core = Core(server: server, queue: queue)
            state = .running(core)
            startPoller(core)
            for _ in 0..<Self.outstandingRequests { requestCall(core) }
        }
        return boundPort
    }

    /// Stops the server gracefully and blocks until the core is torn down.
    /// Call it from a plain thread or dispatch queue, not from a handler.
    public func shutdown(gracePeriod: Duration) {
        let core: Core? = state.withLock { state in
            guard case .running(let core) = state else { return nil }
            state = .stopping
            return core
        }
        guard let core else { return }

        let drained = DispatchSemaphore(value: 0)
        let tag = CompletionTag { _ in drained.signal() }
        grpc_server_shutdown_and_notify(core.server, core.queue, tag.retainedPointer())

        // Streams end with OK so KEDA reconnects without backoff.
        for stream in openStreams.withLock({ Array($0.values) }) { stream.finish(.ok) }

        let seconds = Double(gracePeriod.components.seconds) + Double(gracePeriod.components.attoseconds) / 1e18
        if drained.wait(timeout: .now() + seconds) == .timedOut {
            grpc_server_cancel_all_calls(core.server)
            drained.wait()
        }
        grpc_server_destroy(core.server)
        grpc_completion_queue_shutdown(core.queue)
        pollerExited.wait()
        grpc_completion_queue_destroy(core.queue)
        grpc_shutdown()
        state.withLock { $0 = .stopped }
    }

    // MARK: - Poller

    private func startPoller(_ core: Core) {
        let exited = pollerExited
        let thread = Thread {
            while true {
                let event = rpa_cq_next(core.queue)
                if event.type == 0 { break }
                if event.type == 2, let tag = event.tag {
                    CompletionTag.complete(tag, success: event.success != 0)
                }
            }
            exited.signal()
        }
        thread.name = "grpc-poller"
        thread.start()
    }

    // MARK: - Accepting calls

    private func requestCall(_ core: Core) {
        let incoming = IncomingSlot(raw: rpa_incoming_create()!)
        let tag = CompletionTag { [self] success in accept(incoming, success: success) }
        let pointer = tag.retainedPointer()
        if rpa_server_request_call(core.server, incoming.raw, core.queue, pointer) != GRPC_CALL_OK {
            CompletionTag.release(pointer)
            rpa_incoming_destroy(incoming.raw)
        }
    }

    /// The storage of one posted request; the core fills it before the tag fires.
    private struct IncomingSlot: @unchecked Sendable {
        let raw: UnsafeMutablePointer<rpa_incoming>
    }

    private func accept(_ incoming: IncomingSlot, success: Bool) {
        guard success else {
            rpa_incoming_destroy(incoming.raw)
            return
        }
        state.withLock { state in
            if case .running(let core) = state { requestCall(core) }
        }
        dispatch(ServerCall(incoming: incoming.raw))
    }

    private func dispatch(_ call: ServerCall) {
        switch handlers[call.method] {
        case nil:
            reply(call, .failure(GRPCStatus(.unimplemented, "unknown method \(call.method)")), receivedRequest: false)
        case .unary(let handler):
            receiveOne(call) { [self] request in
                let result: Result<[UInt8], GRPCStatus> =
                    call.context.isPastDeadline
                    ? .failure(GRPCStatus(.deadlineExceeded, "deadline passed before the call was served"))
                    : handler(call.context, request)
                reply(call, result, receivedRequest: true)
            }
        case .serverStreaming(let handler):
            receiveOne(call) { [self] request in
                handler(call.context, request, openStream(call))
            }
        case .bidiStreaming(let handler):
            receiveEach(call, stream: openStream(call), handler: handler)
        }
    }

    /// Receives the single request of a unary or server-streaming call.
    private func receiveOne(_ call: ServerCall, then serve: @escaping @Sendable ([UInt8]) -> Void) {
        let batch = OpBatch().receiveMessage()
        do {
            try call.start(batch, "receive request") { [self] success in
                // Failure: the call died first (cancelled, or too large: the core
                // already answered RESOURCE_EXHAUSTED). The status send then fails
                // quietly and releases the call.
                guard success, let request = batch.receivedMessage else {
                    reply(
                        call, .failure(GRPCStatus(.invalidArgument, "the request message is missing")),
                        receivedRequest: true)
                    return
                }
                serve(request)
            }
        } catch {
            reply(call, .failure(GRPCStatus(.internal, error.message)), receivedRequest: true)
        }
    }

    private func receiveEach(
        _ call: ServerCall, stream: ServerStream,
        handler: @escaping @Sendable (CallContext, [UInt8], ServerStream) -> Void
    ) {
        let batch = OpBatch().receiveMessage()
        do {
            try call.start(batch, "receive stream message") { [self] success in
                guard success else { return }  // cancelled: RECV_CLOSE closes the stream
                guard let request = batch.receivedMessage else {
                    stream.finish(.ok)  // the client half-closed
                    return
                }
                handler(call.context, request, stream)
                if stream.isOpen { receiveEach(call, stream: stream, handler: handler) }
            }
        } catch {
            stream.finish(GRPCStatus(.internal, error.message))
        }
    }

    /// Sends the one response (or the error) and the status of a unary call.
    private func reply(_ call: ServerCall, _ result: Result<[UInt8], GRPCStatus>, receivedRequest: Bool) {
        let batch = OpBatch().sendInitialMetadata()
        let status: GRPCStatus
        switch result {
        case .success(let response):
            _ = batch.sendMessage(response)
            status = .ok
        case .failure(let error):
            status = error
        }
        _ = batch.sendStatus(status).receiveClose()
        let observer = configuration.onCallFinished
        try? call.start(batch, "send response") { _ in
            observer?(call.method, status.code, ContinuousClock.now - call.startedAt)
        }
    }

    /// Registers a stream for shutdown and posts RECV_CLOSE_ON_SERVER early:
    /// its `cancelled` flag is the only disconnect signal the core gives.
    private func openStream(_ call: ServerCall) -> ServerStream {
        let observer = configuration.onCallFinished
        let stream = ServerStream(call: call) { [self] stream, termination in
            openStreams.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(stream)) }
            let code: StatusCode
            switch termination {
            case .finished(let status): code = status.code
            case .cancelled: code = .cancelled
            }
            observer?(call.method, code, ContinuousClock.now - call.startedAt)
        }
        openStreams.withLock { $0[ObjectIdentifier(stream)] = stream }
        let closeBatch = OpBatch().receiveClose()
        do {
            try call.start(closeBatch, "receive close") { _ in
                if closeBatch.wasCancelled { stream.clientCancelled() }
            }
        } catch {
            stream.clientCancelled()
        }
        // A stream opened after shutdown began missed the sweep: finish it now.
        let stopping = state.withLock { state in
            if case .running = state { false } else { true }
        }
        if stopping { stream.finish(.ok) }
        return stream
    }
}
