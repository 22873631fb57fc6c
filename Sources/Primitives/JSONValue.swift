/// A JSON document as a plain value: what a server sends and what is sent back, without a model type per
/// document kind.
///
/// Whole numbers that fit an `Int` are ``int(_:)`` and render without a fraction (`"disk": 50`); other numbers are
/// ``double(_:)``. A number is a number: `.int(3) == .double(3)`, and ``number(_:)`` picks the case for a `Double`.
/// Fractional numbers that are whole within 2^53 are written back as integers, NaN and infinities as `null`.
public enum JSONValue: Sendable, Codable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value; a whole number that fits an `Int` becomes ``int(_:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value; whole `double`s within 2^53 are written as integers (`3`, not `3.0`), and NaN and
    /// infinities, which JSON cannot spell, as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value) where !value.isFinite:
            // JSON has no spelling for NaN or infinity.
            try container.encodeNil()
        case .double(let value):
            if let integer = Self.exactInteger(value) {
                try container.encode(integer)
            } else {
                try container.encode(value)
            }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
