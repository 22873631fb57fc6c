import Synchronization

/// A request to stop one transfer early, set from any thread and read by the transfer's progress callback.
final class TransferAbort: Sendable {
    /// Why a transfer should stop. The first reason requested wins.
    enum Reason: UInt8, Sendable {
        case cancelled = 1
        case shutdown = 2
    }

    private let state = Atomic<UInt8>(0)

    /// Asks the transfer to stop; later requests keep the first reason.
    func request(_ reason: Reason) {
        _ = state.compareExchange(expected: 0, desired: reason.rawValue, ordering: .acquiringAndReleasing)
    }

    /// The reason requested so far, if any.
    var reason: Reason? {
        Reason(rawValue: state.load(ordering: .acquiring))
    }
}
