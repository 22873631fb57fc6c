import NIOConcurrencyHelpers
import NIOCore
import NIOSSH

/// Accepts the server's host key when nothing is pinned yet (and remembers it) or when it equals the pinned
/// one; refuses any other key.
final class HostKeyPin: NIOSSHClientServerAuthenticationDelegate, Sendable {
    private let pinned: String?
    private let seenKey = NIOLockedValueBox<String?>(nil)

    init(pinned: String?) {
        self.pinned = pinned
    }

    /// The key the server showed, in OpenSSH form.
    var seen: String? { seenKey.withLockedValue { $0 } }

    /// Whether the server showed a key other than the pinned one.
    var mismatch: Bool {
        guard let pinned, let seen else { return false }
        return seen != pinned
    }

    func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
        let text = String(openSSHPublicKey: hostKey)
        seenKey.withLockedValue { $0 = text }
        if let pinned, pinned != text {
            validationCompletePromise.fail(TunnelError.hostKeyChanged(seen: text))
        } else {
            validationCompletePromise.succeed(())
        }
    }
}
