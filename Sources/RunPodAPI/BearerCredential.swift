/// The API key, kept where no description, mirror or message can show it.
struct BearerCredential: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let apiKey: String

    init(apiKey: String) {
        self.apiKey = apiKey
    }

    /// The `Authorization` header value.
    var headerValue: String { "Bearer \(apiKey)" }

    /// `text` with every occurrence of the key replaced, for messages built from what the service sent back.
    func redact(_ text: String) -> String {
        guard !apiKey.isEmpty else { return text }
        return text.replacing(apiKey, with: "<redacted>")
    }

    var description: String { "Bearer <redacted>" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
