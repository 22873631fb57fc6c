extension JSONValue {
    /// A number: ``int(_:)`` when `value` is whole and held exactly (|value| ≤ 2^53), else ``double(_:)``.
    public static func number(_ value: Double) -> JSONValue {
        if let integer = exactInteger(value), let exact = Int(exactly: integer) {
            return .int(exact)
        }
        return .double(value)
    }

    /// `value` as an `Int64` when it is a whole number a `Double` holds exactly (|value| ≤ 2^53).
    static func exactInteger(_ value: Double) -> Int64? {
        guard value.isFinite, value.rounded(.towardZero) == value, abs(value) <= 9_007_199_254_740_992 else {
            return nil
        }
        return Int64(value)
    }
}
