import Synchronization

/// Carries a stop signal to whoever can act on it: a stop that arrives before
/// the runtime exists is delivered the moment it connects.
final class StopRelay: Sendable {
    private struct State {
        var requested = false
        var target: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// A stop was asked for (SIGTERM, SIGINT).
    func fire() {
        let target = state.withLock { state -> (@Sendable () -> Void)? in
            state.requested = true
            return state.target
        }
        target?()
    }

    /// Sends every stop, past and future, to `target`.
    func connect(_ target: @escaping @Sendable () -> Void) {
        let requested = state.withLock { state -> Bool in
            state.target = target
            return state.requested
        }
        if requested { target() }
    }
}
