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

    /// How many `grpc_server_request_call`s (calls to unregistered paths) are
    /// kept outstanding.
    private static let outstandingRequests = 4

    private let configuration: ServerConfiguration
    private let handlers: [String: MethodHandler]
    private let state = Mutex(State.idle)
    private let openStreams = Mutex([ObjectIdentifier: ServerStream]())
    private let port = Atomic<Int>(0)
    private let pollerExited = DispatchSemaphore(value: 0)
    /// Whether finished request slots are posted again; cleared before
    /// shutdown begins. Read by the poller without a lock: the shutdown tag is
    /// handled on the poller thread too, so the server is never destroyed
    /// while the poller is still posting.
    private let accepting = Atomic<Bool>(false)
    /// Poller-only.
    private let pool = SlotPool()

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
            var methods: [RegisteredMethod] = []
            for (path, handler) in handlers.sorted(by: { $0.key < $1.key }) {
                let readsPayload = RegisteredMethod.readsPayload(handler)
                guard let handle = rpa_server_register_method(server, path, readsPayload ? 1 : 0) else {
                    grpc_server_destroy(server)
                    grpc_completion_queue_shutdown(queue)
                    while rpa_cq_next(queue).type != 0 {}
                    grpc_completion_queue_destroy(queue)
                    grpc_shutdown()
                    throw .invalidState("cannot register the method \(path)")
                }
                methods.append(
                    RegisteredMethod(
                        path: path, handler: handler, handle: handle,
                        record: configuration.callRecorder?(path)))
            }
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
            accepting.store(true, ordering: .releasing)
            startPoller(core)
            for _ in 0..<Self.outstandingRequests { requestCall(core) }
            // Fresh slots: the pool belongs to the poller, which already runs.
            for method in methods {
                for _ in 0..<method.outstanding { post(CallSlot(owner: self), for: method, core: core) }
            }
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
        accepting.store(false, ordering: .releasing)

        let drained = DispatchSemaphore(value: 0)
        let tag = ClosureTag { _ in drained.signal() }
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
        pool.removeAll()
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

    // MARK: - Registered methods

    /// Posts `slot` for the next call of `method`; the slot is dropped when the
    /// core refuses (it is shutting down).
    private func post(_ slot: CallSlot, for method: RegisteredMethod, core: Core) {
        slot.method = method
        slot.core = core.server
        slot.queue = core.queue
        let pointer = slot.retainedPointer()
        let result = rpa_server_request_registered_call(
            core.server, method.handle, slot.raw, method.readsPayload ? 1 : 0, core.queue, pointer)
        if result != GRPC_CALL_OK { CompletionTag.release(pointer) }
    }

    /// A slot's event on the poller thread: a new call (re-post a slot for the
    /// method at once, then serve it) or a unary reply done (count it, keep the slot).
    func slotCompleted(_ slot: CallSlot, success: Bool) {
        guard let method = slot.method else { return }
        switch slot.phase {
        case .requested:
            // Failure: the server is shutting down and the request was cancelled.
            guard success else { return }
            if accepting.load(ordering: .acquiring), let server = slot.core, let queue = slot.queue {
                post(pool.take(owner: self), for: method, core: Core(server: server, queue: queue))
            }
            serve(slot, method)
        case .replying(let startedAt, let code):
            method.record?(code, ContinuousClock.now - startedAt)
            slot.reset()
            pool.put(slot)
        }
    }

    private func serve(_ slot: CallSlot, _ method: RegisteredMethod) {
        switch method.handler {
        case .unary(let handler):
            serveUnary(slot, method, handler)
        case .serverStreaming(let handler):
            let request = slot.request
            let call = slot.takeCall(method.path)
            slot.reset()
            pool.put(slot)
            guard let request else {
                reply(call, .failure(Self.missingRequest), record: method.record)
                return
            }
            handler(call.context, request, openStream(call, record: method.record))
        case .bidiStreaming(let handler):
            let call = slot.takeCall(method.path)
            slot.reset()
            pool.put(slot)
            receiveEach(call, stream: openStream(call, record: method.record), handler: handler)
        }
    }

    private static let missingRequest = GRPCStatus(.invalidArgument, "the request message is missing")

    /// A unary call in one batch on the slot itself: the core read the
    /// request; the reply sends metadata, message and status and receives the close.
    private func serveUnary(
        _ slot: CallSlot, _ method: RegisteredMethod,
        _ handler: @Sendable (CallContext, [UInt8]) -> Result<[UInt8], GRPCStatus>
    ) {
        let startedAt = ContinuousClock.now
        let remaining = slot.deadlineRemainingMilliseconds
        let result: Result<[UInt8], GRPCStatus>
        if let request = slot.request {
            if remaining == 0 {
                result = .failure(GRPCStatus(.deadlineExceeded, "deadline passed before the call was served"))
            } else {
                let context = CallContext(
                    method: method.path,
                    deadline: remaining < 0 ? nil : startedAt.advanced(by: .milliseconds(remaining)))
                result = handler(context, request)
            }
        } else {
            result = .failure(Self.missingRequest)
        }
        let code: StatusCode
        if case .failure(let status) = result { code = status.code } else { code = .ok }
        slot.phase = .replying(startedAt: startedAt, code: code)
        let pointer = slot.retainedPointer()
        if !slot.startUnaryReply(result, tag: pointer) {
            // The call is gone: count it, keep the slot.
            CompletionTag.release(pointer)
            method.record?(code, ContinuousClock.now - startedAt)
            slot.reset()
            pool.put(slot)
        }
    }

    // MARK: - Calls to unregistered paths

    private func requestCall(_ core: Core) {
        let incoming = IncomingSlot(raw: rpa_incoming_create()!)
        let tag = ClosureTag { [self] success in accept(incoming, success: success) }
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

    /// Every served path is registered, so a call here is for an unknown method.
    private func accept(_ incoming: IncomingSlot, success: Bool) {
        guard success else {
            rpa_incoming_destroy(incoming.raw)
            return
        }
        state.withLock { state in
            if case .running(let core) = state { requestCall(core) }
        }
        var length = 0
        let start = rpa_incoming_method(incoming.raw, &length)
        let method = String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
        let remaining = rpa_incoming_deadline_remaining_ms(incoming.raw)
        let call = ServerCall(
            call: rpa_incoming_take_call(incoming.raw)!, method: method, deadlineRemainingMilliseconds: remaining)
        rpa_incoming_destroy(incoming.raw)
        reply(
            call, .failure(GRPCStatus(.unimplemented, "unknown method \(method)")),
            record: configuration.callRecorder?(method))
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

    /// Sends the one response (or the error) and the status of a call that has no slot.
    private func reply(
        _ call: ServerCall, _ result: Result<[UInt8], GRPCStatus>,
        record: (@Sendable (StatusCode, Duration) -> Void)?
    ) {
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
        try? call.start(batch, "send response") { _ in
            record?(status.code, ContinuousClock.now - call.startedAt)
        }
    }

    /// Registers a stream for shutdown and posts RECV_CLOSE_ON_SERVER early:
    /// its `cancelled` flag is the only disconnect signal the core gives.
    private func openStream(_ call: ServerCall, record: (@Sendable (StatusCode, Duration) -> Void)?)
        -> ServerStream
    {
        let stream = ServerStream(call: call) { [self] stream, termination in
            openStreams.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(stream)) }
            let code: StatusCode
            switch termination {
            case .finished(let status): code = status.code
            case .cancelled: code = .cancelled
            }
            record?(code, ContinuousClock.now - call.startedAt)
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
