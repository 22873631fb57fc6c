import Synchronization

/// Stands in for `Task.sleep` in `slow` faults: records the delays and returns at once.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Double]>([])

    var recorded: [Double] { delays.withLock { $0 } }

    func sleep(_ seconds: Double) async throws {
        delays.withLock { $0.append(seconds) }
    }
}
