import Synchronization

/// The sending side of a streaming call. Safe to use from any thread: it keeps
/// one SEND_MESSAGE in flight at a time (the core allows no more) and queues
/// the rest in order.
public final class ServerStream: Sendable {
    /// How a stream ended.
    public enum Termination: Sendable, Equatable {
        /// The server sent this status.
        case finished(GRPCStatus)
        /// The client went away, its deadline passed, or a send failed.
        case cancelled
    }

    /// The legal moves: open → finishing (status queued behind the messages)
    /// → closed; open or finishing → closed on cancellation.
    private enum Phase {
        case open
        case finishing(GRPCStatus)
        case closed
    }

    private struct State {
        var phase: Phase = .open
        var queue: [[UInt8]] = []
        var sending = false
        var sentInitialMetadata = false
        var terminationHandlers: [@Sendable (Termination) -> Void] = []
    }

    /// What to do once the lock is released.
    private enum Action {
        case none
        case sendMessage([UInt8], withInitialMetadata: Bool)
        case sendStatus(GRPCStatus, withInitialMetadata: Bool)
        case terminate(Termination, [@Sendable (Termination) -> Void])
    }

    /// A slow client may fall this many messages behind before the stream is
    /// finished with RESOURCE_EXHAUSTED rather than buffering without bound.
    static let maxQueuedMessages = 1024

    private let call: ServerCall
    private let state = Mutex(State())
    private let onClosed: @Sendable (ServerStream, Termination) -> Void

    /// The call this stream belongs to.
    public var context: CallContext { call.context }

    init(call: ServerCall, onClosed: @escaping @Sendable (ServerStream, Termination) -> Void) {
        self.call = call
        self.onClosed = onClosed
    }

    /// Whether messages can still be sent.
    public var isOpen: Bool {
        state.withLock { if case .open = $0.phase { true } else { false } }
    }

    /// Queues a message. Returns false when the stream is already finishing or closed.
    @discardableResult
    public func send(_ message: [UInt8]) -> Bool {
        var accepted = true
        let action = state.withLock { state -> Action in
            guard case .open = state.phase else {
                accepted = false
                return .none
            }
            if state.sending {
                if state.queue.count >= Self.maxQueuedMessages {
                    state.queue.removeAll()
                    state.phase = .finishing(GRPCStatus(.resourceExhausted, "client is not reading the stream"))
                    accepted = false
                    return .none
                }
                state.queue.append(message)
                return .none
            }
            state.sending = true
            defer { state.sentInitialMetadata = true }
            return .sendMessage(message, withInitialMetadata: !state.sentInitialMetadata)
        }
        perform(action)
        return accepted
    }

    /// Ends the stream with `status` after the queued messages. Later calls do nothing.
    public func finish(_ status: GRPCStatus = .ok) {
        let action = state.withLock { state -> Action in
            guard case .open = state.phase else { return .none }
            state.phase = .finishing(status)
            if state.sending { return .none }
            state.sending = true
            defer { state.sentInitialMetadata = true }
            return .sendStatus(status, withInitialMetadata: !state.sentInitialMetadata)
        }
        perform(action)
    }

    /// Runs `handler` once when the stream ends (at once if it already has).
    public func onTermination(_ handler: @escaping @Sendable (Termination) -> Void) {
        let alreadyClosed = state.withLock { state -> Bool in
            if case .closed = state.phase { return true }
            state.terminationHandlers.append(handler)
            return false
        }
        if alreadyClosed { handler(.cancelled) }
    }

    /// The core reported the call cancelled (RECV_CLOSE_ON_SERVER).
    func clientCancelled() {
        perform(close(.cancelled))
    }

    private func close(_ termination: Termination) -> Action {
        state.withLock { state -> Action in
            if case .closed = state.phase { return .none }
            state.phase = .closed
            state.queue.removeAll()
            let handlers = state.terminationHandlers
            state.terminationHandlers.removeAll()
            return .terminate(termination, handlers)
        }
    }

    private func sendCompleted(success: Bool) {
        guard success else {
            perform(close(.cancelled))
            return
        }
        let action = state.withLock { state -> Action in
            if !state.queue.isEmpty {
                return .sendMessage(state.queue.removeFirst(), withInitialMetadata: false)
            }
            if case .finishing(let status) = state.phase {
                return .sendStatus(status, withInitialMetadata: false)
            }
            state.sending = false
            return .none
        }
        perform(action)
    }

    private func perform(_ action: Action) {
        switch action {
        case .none:
            return
        case .sendMessage(let message, let withInitialMetadata):
            let batch = OpBatch()
            if withInitialMetadata { _ = batch.sendInitialMetadata() }
            do {
                try call.start(batch.sendMessage(message), "stream send") { [self] success in
                    sendCompleted(success: success)
                }
            } catch {
                perform(close(.cancelled))
            }
        case .sendStatus(let status, let withInitialMetadata):
            let batch = OpBatch()
            if withInitialMetadata { _ = batch.sendInitialMetadata() }
            do {
                try call.start(batch.sendStatus(status), "stream status") { [self] success in
                    perform(close(success ? .finished(status) : .cancelled))
                }
            } catch {
                perform(close(.cancelled))
            }
        case .terminate(let termination, let handlers):
            for handler in handlers { handler(termination) }
            onClosed(self, termination)
        }
    }
}
