/// A problem with an emulator configuration: where it came from, which key, and why.
public struct EmulatorConfigurationError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case unreadableYAML
        case unknownKey
        case invalidValue
    }

    private let code: Code
    /// The file (or other origin) the configuration came from.
    public let origin: String
    /// The dotted key, e.g. `capacity.NVIDIA L40S.SECURE`; empty for the whole document.
    public let key: String
    public let reason: String

    private init(code: Code, origin: String, key: String, reason: String) {
        self.code = code
        self.origin = origin
        self.key = key
        self.reason = reason
    }

    static func unreadableYAML(origin: String, reason: String) -> Self {
        Self(code: .unreadableYAML, origin: origin, key: "", reason: reason)
    }

    static func field(_ error: FieldError, origin: String) -> Self {
        Self(
            code: error.isUnknownKey ? .unknownKey : .invalidValue, origin: origin, key: error.key, reason: error.reason
        )
    }

    /// Whether the key is not one the emulator knows (a typo, usually).
    public var isUnknownKey: Bool { code == .unknownKey }

    public var description: String {
        key.isEmpty ? "\(origin): \(reason)" : "\(origin): \(key): \(reason)"
    }
}
