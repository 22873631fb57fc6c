import Foundation

/// An unencrypted ed25519 key in OpenSSH's `openssh-key-v1` format (what `ssh-keygen -t ed25519 -N ''` writes).
///
/// A pure value: parsing does no IO. ``description`` names the key type and comment only, never key bytes.
public struct OpenSSHPrivateKey: Sendable, CustomStringConvertible {
    /// The 32-byte ed25519 seed (the private half). Secret.
    public let seed: [UInt8]
    /// The 32-byte ed25519 public key.
    public let publicKey: [UInt8]
    /// The comment stored with the key (often `user@host`).
    public let comment: String

    private static let begin = "-----BEGIN OPENSSH PRIVATE KEY-----"
    private static let end = "-----END OPENSSH PRIVATE KEY-----"
    private static let magic = Array("openssh-key-v1".utf8) + [0]

    /// Parses the PEM text of an OpenSSH private key file.
    public init(pem text: String) throws {
        guard let start = text.range(of: Self.begin), let stop = text.range(of: Self.end),
            start.upperBound <= stop.lowerBound
        else { throw OpenSSHKeyError.notPEM() }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { throw OpenSSHKeyError.badFormat("bad base64") }
        try self.init(binary: Array(data))
    }

    /// Parses the decoded `openssh-key-v1` blob.
    init(binary bytes: [UInt8]) throws {
        var reader = SSHWireReader(bytes)
        guard try reader.take(Self.magic.count) == Self.magic else { throw OpenSSHKeyError.badFormat("no magic") }
        let cipher = try reader.string()
        let kdf = try reader.string()
        _ = try reader.bytes()  // kdf options
        guard cipher == "none", kdf == "none" else { throw OpenSSHKeyError.encrypted() }
        guard try reader.uint32() == 1 else { throw OpenSSHKeyError.badFormat("expected exactly one key") }
        var publicBlob = SSHWireReader(try reader.bytes())
        let publicType = try publicBlob.string()
        guard publicType == "ssh-ed25519" else { throw OpenSSHKeyError.unsupportedKeyType(publicType) }
        let outerPublic = try publicBlob.bytes()
        var secret = SSHWireReader(try reader.bytes())
        let check1 = try secret.uint32()
        let check2 = try secret.uint32()
        guard check1 == check2 else { throw OpenSSHKeyError.encrypted() }
        let type = try secret.string()
        guard type == "ssh-ed25519" else { throw OpenSSHKeyError.unsupportedKeyType(type) }
        let innerPublic = try secret.bytes()
        let both = try secret.bytes()
        guard innerPublic.count == 32, both.count == 64, Array(both[32...]) == innerPublic, innerPublic == outerPublic
        else { throw OpenSSHKeyError.badFormat("inconsistent ed25519 key") }
        seed = Array(both[..<32])
        publicKey = innerPublic
        comment = (try? secret.string()) ?? ""
    }

    /// The public key as an `authorized_keys` line: `ssh-ed25519 <base64> [comment]`.
    public var authorizedKey: String {
        var blob = SSHWireWriter()
        blob.string("ssh-ed25519")
        blob.bytes(publicKey)
        let line = "ssh-ed25519 " + Data(blob.buffer).base64EncodedString()
        return comment.isEmpty ? line : line + " " + comment
    }

    public var description: String { "ssh-ed25519 private key (\(comment.isEmpty ? "no comment" : comment))" }
}
