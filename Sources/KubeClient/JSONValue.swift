/// A JSON document as a plain value: what the API server sends and what is sent back, without a model type per
/// resource kind.
///
/// Numbers are `Double`s. Integers up to 2^53 in magnitude (every generation, count and replica number the API
/// uses) are kept exact and written back without a fraction or exponent; larger integers are rounded, as in
/// JavaScript. `resourceVersion` and quantities are strings in Kubernetes, so they are never affected.
public enum JSONValue: Sendable, Equatable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value; integral numbers within 2^53 are written as integers (`3`, not `3.0`), and NaN and
    /// infinities, which JSON cannot spell, as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value) where !value.isFinite:
            // JSON has no spelling for NaN or infinity.
            try container.encodeNil()
        case .number(let value):
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

    /// `value` as an `Int64` when it is a whole number a `Double` holds exactly (|value| ≤ 2^53).
    static func exactInteger(_ value: Double) -> Int64? {
        guard value.isFinite, value.rounded(.towardZero) == value, abs(value) <= 9_007_199_254_740_992 else {
            return nil
        }
        return Int64(value)
    }
}
