/// Call slots whose call is done, kept for the next posting so a busy server
/// allocates none per call. Only the poller thread touches it.
final class SlotPool: @unchecked Sendable {
    /// More free slots than this are dropped: the pool keeps what a burst
    /// needed, not what an outlier did.
    static let capacity = 1024

    private var free: [CallSlot] = []

    /// A free slot, or a new one.
    func take(owner: GRPCServer) -> CallSlot {
        free.popLast() ?? CallSlot(owner: owner)
    }

    /// Returns a reset slot.
    func put(_ slot: CallSlot) {
        if free.count < Self.capacity { free.append(slot) }
    }

    /// Drops every free slot (at shutdown, after the poller exited).
    func removeAll() {
        free.removeAll()
    }
}
