import Primitives

extension JSONValue {
    /// The JSON Schema type name, as used in validation messages: `integer` for a whole number, `number` for
    /// others.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
