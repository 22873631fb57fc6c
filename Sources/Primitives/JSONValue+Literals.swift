extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) {
        self = .null
    }

    /// A boolean.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    /// A whole number.
    public init(integerLiteral value: Int) {
        self = .int(value)
    }

    /// A number (see ``number(_:)``).
    public init(floatLiteral value: Double) {
        self = .number(value)
    }

    /// A string.
    public init(stringLiteral value: String) {
        self = .string(value)
    }

    /// An array.
    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }

    /// An object; a repeated key keeps its last value.
    public init(dictionaryLiteral members: (String, JSONValue)...) {
        self = .object(Dictionary(members, uniquingKeysWith: { _, last in last }))
    }

    /// A whole number, e.g. `JSONValue(replicas)`.
    public init(_ value: Int) {
        self = .int(value)
    }

    /// A number (see ``number(_:)``).
    public init(_ value: Double) {
        self = .number(value)
    }

    /// A string.
    public init(_ value: String) {
        self = .string(value)
    }

    /// A boolean.
    public init(_ value: Bool) {
        self = .bool(value)
    }
}
