import Synchronization

/// The point where start-up is over: each part of the `serve` job reports once when its first
/// round is done (the gRPC server serving, the HTTP listener bound, the reconciler's first pass,
/// the first demand reading, whether it worked or not); `settled()` returns once the last has.
final class StartupSettling: Sendable {
    enum Milestone: Hashable, Sendable {
        case grpcServing
        case httpListening
        case firstReconcilePass
        case firstDemandReading
    }

    private let waiting: Mutex<Set<Milestone>?>
    /// Finished when settled: waiting on it ends then (or when the waiter is cancelled).
    private let latch: AsyncStream<Void>
    private let open: AsyncStream<Void>.Continuation

    init(waitingFor milestones: Set<Milestone>) {
        waiting = Mutex(milestones.isEmpty ? nil : milestones)
        (latch, open) = AsyncStream.makeStream(of: Void.self)
        if milestones.isEmpty { open.finish() }
    }

    /// Whether every milestone has been reached.
    var isSettled: Bool { waiting.withLock { $0 == nil } }

    /// Reports `milestone`; a second report of it, or one after settling, changes nothing.
    func reached(_ milestone: Milestone) {
        let settlesNow = waiting.withLock { waiting -> Bool in
            guard var remaining = waiting else { return false }
            remaining.remove(milestone)
            waiting = remaining.isEmpty ? nil : remaining
            return remaining.isEmpty
        }
        if settlesNow { open.finish() }
    }

    /// Returns once every milestone has been reached, or when the calling task is cancelled. One
    /// waiter at a time.
    func settled() async {
        for await _ in latch {}
    }
}
