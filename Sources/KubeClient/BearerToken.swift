import Synchronization

/// The bearer token: a fixed value, or a file re-read on every request because projected service-account tokens
/// rotate. Kept where no description or mirror shows it; ``redact(_:)`` removes every value it has held.
final class BearerToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private struct State {
        /// The value to send: the last one read from the file, else the fixed token.
        var current: String?
        /// Every distinct value held so far (a handful: one per rotation), for redaction.
        var seen: [String]
    }

    private let file: String?
    private let state: Mutex<State>

    init(token: String?, file: String?) {
        let initial = token.flatMap { $0.isEmpty ? nil : $0 }
        self.file = file
        state = Mutex(State(current: initial, seen: initial.map { [$0] } ?? []))
    }

    /// The `Authorization` header value, or nil when there is no token. A token file that cannot be read now
    /// (mid-rotation, say) falls back to the last value that could.
    func headerValue() -> String? {
        if let file, let token = try? ConfigFile.readTrimmed(file, what: "the token") {
            state.withLock { state in
                state.current = token
                if !state.seen.contains(token) {
                    state.seen.append(token)
                    if state.seen.count > 16 {
                        state.seen.removeFirst()
                    }
                }
            }
        }
        return state.withLock { $0.current }.map { "Bearer \($0)" }
    }

    /// `text` with every token value held so far replaced by `<redacted>`.
    func redact(_ text: String) -> String {
        Redaction.text(text, removing: state.withLock { $0.seen })
    }

    var description: String { "Bearer <redacted>" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
