import Synchronization

/// Statuses seen from inside a `@Sendable` test closure.
final class StatusLog: Sendable {
    private let statuses = Mutex<[Int]>([])

    func append(_ status: Int) { statuses.withLock { $0.append(status) } }

    var all: [Int] { statuses.withLock { $0 } }
}
