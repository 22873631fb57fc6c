import Primitives

/// Typed access to one object of a config tree, rejecting keys outside `allowed`.
struct FieldReader {
    let path: String
    let fields: [String: JSONValue]

    init(_ value: JSONValue, path: String, allowed: Set<String>) throws(FieldError) {
        guard let fields = value.object else {
            throw FieldError.wrongType(path.isEmpty ? "(top level)" : path, expected: "a mapping", got: value)
        }
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw FieldError.unknownKey(path.isEmpty ? unknown : "\(path).\(unknown)")
        }
        self.path = path
        self.fields = fields
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// The value at `name`, `nil` when absent or null.
    func value(_ name: String) -> JSONValue? {
        guard let value = fields[name], value != .null else { return nil }
        return value
    }

    func string(_ name: String) throws(FieldError) -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.string else { throw .wrongType(key(name), expected: "a string", got: value) }
        return text
    }

    func strings(_ name: String) throws(FieldError) -> [String]? {
        guard let value = value(name) else { return nil }
        guard let items = value.array else { throw .wrongType(key(name), expected: "a list", got: value) }
        var texts: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = item.string else {
                throw .wrongType("\(key(name))[\(index)]", expected: "a string", got: item)
            }
            texts.append(text)
        }
        return texts
    }

    func int(_ name: String) throws(FieldError) -> Int? {
        guard let value = value(name) else { return nil }
        guard let number = value.int else { throw .wrongType(key(name), expected: "a whole number", got: value) }
        return number
    }

    func double(_ name: String) throws(FieldError) -> Double? {
        guard let value = value(name) else { return nil }
        guard let number = value.double, number.isFinite else {
            throw .wrongType(key(name), expected: "a number", got: value)
        }
        return number
    }

    func bool(_ name: String) throws(FieldError) -> Bool? {
        guard let value = value(name) else { return nil }
        guard let flag = value.bool else { throw .wrongType(key(name), expected: "true or false", got: value) }
        return flag
    }

    func object(_ name: String) throws(FieldError) -> [String: JSONValue]? {
        guard let value = value(name) else { return nil }
        guard let object = value.object else { throw .wrongType(key(name), expected: "a mapping", got: value) }
        return object
    }
}
