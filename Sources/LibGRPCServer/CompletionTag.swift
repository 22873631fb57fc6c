/// The object behind a completion-queue tag. It is retained once when handed
/// to the core and released exactly once: when its event arrives, or at once
/// when the core refused the operation.
final class CompletionTag: @unchecked Sendable {
    // Immutable after init; only ever run on the poller thread.
    private let onComplete: @Sendable (Bool) -> Void

    init(_ onComplete: @escaping @Sendable (Bool) -> Void) {
        self.onComplete = onComplete
    }

    /// Retains the tag for the core and returns the pointer to hand it.
    func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// Takes back the core's reference and runs the tag's completion.
    static func complete(_ pointer: UnsafeMutableRawPointer, success: Bool) {
        Unmanaged<CompletionTag>.fromOpaque(pointer).takeRetainedValue().onComplete(success)
    }

    /// Takes back the core's reference without running the completion (the
    /// operation was never started).
    static func release(_ pointer: UnsafeMutableRawPointer) {
        Unmanaged<CompletionTag>.fromOpaque(pointer).release()
    }
}
