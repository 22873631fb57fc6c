/// A one-shot tag that runs a closure: for the rare operations (streams,
/// unknown methods, shutdown) where a closure per batch costs nothing that matters.
final class ClosureTag: CompletionTag, @unchecked Sendable {
    // Immutable after init; only ever run on the poller thread.
    private let onComplete: @Sendable (Bool) -> Void

    init(_ onComplete: @escaping @Sendable (Bool) -> Void) {
        self.onComplete = onComplete
    }

    override func complete(success: Bool) {
        onComplete(success)
    }
}
