import Synchronization

/// One counter cell that can sit in an array (an `Atomic` cannot be copied).
final class AtomicCount: Sendable {
    private let value = Atomic<Int>(0)

    func add(_ amount: Int) {
        value.wrappingAdd(amount, ordering: .relaxed)
    }

    func load() -> Int {
        value.load(ordering: .relaxed)
    }
}
