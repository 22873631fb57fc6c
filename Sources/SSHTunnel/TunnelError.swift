/// Why a tunnel could not be set up or stopped. Carries no key material (host keys are public).
public struct TunnelError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case hostKeyChanged
        case setupFailed
        case timedOut
    }

    private let code: Code
    public let message: String
    /// For a changed host key: the key the server showed (`ssh-ed25519 AAAA…`).
    public let seenHostKey: String?

    private init(_ code: Code, _ message: String, seenHostKey: String? = nil) {
        self.code = code
        self.message = message
        self.seenHostKey = seenHostKey
    }

    public var description: String { message }

    /// The server showed a host key other than the pinned one: never trusted.
    public var isHostKeyChange: Bool { code == .hostKeyChanged }

    static func hostKeyChanged(seen: String) -> Self {
        .init(.hostKeyChanged, "host key changed: the server showed a key other than the pinned one", seenHostKey: seen)
    }
    static func setupFailed(_ detail: String) -> Self { .init(.setupFailed, "tunnel setup failed: \(detail)") }
    static func timedOut(seconds: Double) -> Self {
        .init(.timedOut, "tunnel setup did not finish within \(seconds) s")
    }
}
