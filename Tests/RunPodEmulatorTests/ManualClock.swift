import Foundation
import Synchronization

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let date: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        date = Mutex(start)
    }

    func now() -> Date { date.withLock { $0 } }

    func advance(by seconds: Double) {
        date.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
