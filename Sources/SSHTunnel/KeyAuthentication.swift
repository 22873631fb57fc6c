import NIOConcurrencyHelpers
import NIOCore
import NIOSSH

/// Offers the one private key once; nothing else (no passwords).
final class KeyAuthentication: NIOSSHClientUserAuthenticationDelegate, Sendable {
    private let username: String
    private let key: NIOSSHPrivateKey
    private let offered = NIOLockedValueBox(false)

    init(username: String, key: NIOSSHPrivateKey) {
        self.username = username
        self.key = key
    }

    func nextAuthenticationType(
        availableMethods: NIOSSHAvailableUserAuthenticationMethods,
        nextChallengePromise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>
    ) {
        let first = offered.withLockedValue { offered in
            defer { offered = true }
            return !offered
        }
        guard first, availableMethods.contains(.publicKey) else {
            nextChallengePromise.succeed(nil)
            return
        }
        nextChallengePromise.succeed(
            NIOSSHUserAuthenticationOffer(
                username: username, serviceName: "", offer: .privateKey(.init(privateKey: key))))
    }
}
