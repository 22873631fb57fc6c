import Synchronization

/// Counts events (e.g. requests that reached a handler) and lets a test wait for a count.
final class Counter: Sendable {
    private struct State {
        var count = 0
        var waiters: [(target: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    private let state = Mutex(State())

    var value: Int { state.withLock { $0.count } }

    func increment() {
        let ready = state.withLock { state in
            state.count += 1
            let count = state.count
            let ready = state.waiters.filter { $0.target <= count }
            state.waiters.removeAll { $0.target <= count }
            return ready
        }
        for waiter in ready {
            waiter.continuation.resume()
        }
    }

    /// Returns once the count is at least `target`.
    func wait(untilAtLeast target: Int) async {
        await withCheckedContinuation { continuation in
            let passNow = state.withLock { state in
                if state.count >= target { return true }
                state.waiters.append((target, continuation))
                return false
            }
            if passNow { continuation.resume() }
        }
    }
}
