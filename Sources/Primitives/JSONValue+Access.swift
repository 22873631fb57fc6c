extension JSONValue {
    /// The member `key` of an object; `.null` when the value is not an object or has no such member (use
    /// ``object`` to tell a missing member from an explicit `null`).
    ///
    /// Setting makes the value an object first if it is not one (so `value["status"]["replicas"] = 3` builds
    /// the nested objects), then stores the member; storing `.null` keeps an explicit `null`, which is how a
    /// merge patch deletes a field. Use ``removeValue(forKey:)`` to drop a member.
    public subscript(key: String) -> JSONValue {
        get {
            guard case .object(let members) = self else { return .null }
            return members[key] ?? .null
        }
        set {
            var members = object ?? [:]
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The element at `index` of an array; `.null` when the value is not an array or the index is out of range.
    ///
    /// Setting replaces an existing element and traps outside the array's bounds, like `Array`.
    public subscript(index: Int) -> JSONValue {
        get {
            guard case .array(let elements) = self, elements.indices.contains(index) else { return .null }
            return elements[index]
        }
        set {
            guard case .array(var elements) = self else {
                preconditionFailure("JSONValue: index \(index) set on a value that is not an array")
            }
            elements[index] = newValue
            self = .array(elements)
        }
    }

    /// Removes the member `key` of an object and returns it; does nothing to other values.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard case .object(var members) = self else { return nil }
        let removed = members.removeValue(forKey: key)
        self = .object(members)
        return removed
    }

    /// The text of a string value.
    public var string: String? {
        guard case .string(let value) = self else { return nil }
        return value
    }

    /// Any number value, as a `Double`.
    public var double: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// A whole number value: an ``int(_:)``, or a ``double(_:)`` that is whole and held exactly (|value| ≤ 2^53,
    /// so `2.0` reads as 2); `nil` for fractions.
    public var int: Int? {
        switch self {
        case .int(let value): value
        case .double(let value): Self.exactInteger(value).flatMap { Int(exactly: $0) }
        default: nil
        }
    }

    /// A boolean value.
    public var bool: Bool? {
        guard case .bool(let value) = self else { return nil }
        return value
    }

    /// The members of an object value.
    public var object: [String: JSONValue]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// The elements of an array value.
    public var array: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// Whether the value is `null` (which is also what a missing member or index reads as).
    public var isNull: Bool { self == .null }
}
