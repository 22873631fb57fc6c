/// The object behind a completion-queue tag. It is retained once when handed
/// to the core and released exactly once: when its event arrives, or at once
/// when the core refused the operation. Subclasses that are reused (a call
/// slot posted call after call) are retained once per posting.
class CompletionTag: @unchecked Sendable {
    /// Runs on the poller thread when the tag's event arrives.
    func complete(success: Bool) {}

    /// Retains the tag for the core and returns the pointer to hand it.
    final func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }

    /// Takes back the core's reference and runs the tag's completion.
    static func complete(_ pointer: UnsafeMutableRawPointer, success: Bool) {
        Unmanaged<CompletionTag>.fromOpaque(pointer).takeRetainedValue().complete(success: success)
    }

    /// Takes back the core's reference without running the completion (the
    /// operation was never started).
    static func release(_ pointer: UnsafeMutableRawPointer) {
        Unmanaged<CompletionTag>.fromOpaque(pointer).release()
    }
}
