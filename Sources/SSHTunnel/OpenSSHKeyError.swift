/// Why an OpenSSH private key file could not be read. Never carries key material.
public struct OpenSSHKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case notPEM
        case badFormat
        case encrypted
        case unsupportedKeyType
    }

    private let code: Code
    /// What is wrong, without any key bytes.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Whether the key is passphrase-protected (which the autoscaler does not support).
    public var isEncrypted: Bool { code == .encrypted }

    static func notPEM() -> Self { .init(.notPEM, "not an OpenSSH private key (no BEGIN OPENSSH PRIVATE KEY block)") }
    static func badFormat(_ detail: String) -> Self { .init(.badFormat, "malformed OpenSSH private key: \(detail)") }
    static func encrypted() -> Self {
        .init(.encrypted, "the OpenSSH private key is passphrase-protected; use an unencrypted key")
    }
    static func unsupportedKeyType(_ type: String) -> Self {
        .init(.unsupportedKeyType, "unsupported key type \(type); use ssh-ed25519")
    }
}
