import Primitives

/// A problem with one field of a config file or admin request: its key path and why.
struct FieldError: Error, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case unknownKey
        case missing
        case wrongType
        case invalid
    }

    private let code: Code
    /// The dotted key, e.g. `faults[0].share`.
    let key: String
    let reason: String

    static func unknownKey(_ key: String) -> FieldError {
        FieldError(code: .unknownKey, key: key, reason: "unknown key")
    }

    static func missing(_ key: String) -> FieldError {
        FieldError(code: .missing, key: key, reason: "is required")
    }

    static func wrongType(_ key: String, expected: String, got value: JSONValue) -> FieldError {
        FieldError(code: .wrongType, key: key, reason: "expected \(expected), got \(value.typeName)")
    }

    static func invalid(_ key: String, _ reason: String) -> FieldError {
        FieldError(code: .invalid, key: key, reason: reason)
    }

    var isUnknownKey: Bool { code == .unknownKey }
}
