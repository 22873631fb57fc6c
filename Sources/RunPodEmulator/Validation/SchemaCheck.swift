import Primitives

/// Collects JSON Schema violations of a request body, worded like RunPod's `errors` entries
/// (`$.gpu.count: must be >= 1, but got 0`).
struct SchemaCheck {
    private(set) var errors: [String] = []

    mutating func fail(_ path: String, _ message: String) {
        errors.append("\(path): \(message)")
    }

    /// The object at `path`, reporting missing required and disallowed properties.
    mutating func object(
        _ value: JSONValue, at path: String, allowed: Set<String>, required: [String] = []
    ) -> [String: JSONValue]? {
        guard let object = value.object else {
            fail(path, "expected object, but got \(value.typeName)")
            return nil
        }
        for name in required where object[name] == nil {
            fail(path, "missing property '\(name)'")
        }
        let extra = object.keys.filter { !allowed.contains($0) }.sorted()
        if !extra.isEmpty {
            fail(path, "additional properties \(extra.map { "'\($0)'" }.joined(separator: ", ")) not allowed")
        }
        return object
    }

    mutating func string(_ value: JSONValue?, at path: String, minLength: Int = 0) -> String? {
        guard let value else { return nil }
        guard let text = value.string else {
            fail(path, "expected string, but got \(value.typeName)")
            return nil
        }
        if text.count < minLength {
            fail(path, "length must be >= \(minLength), but got \(text.count)")
            return nil
        }
        return text
    }

    mutating func nullableString(_ value: JSONValue?, at path: String) -> String? {
        if value == .null { return nil }
        return string(value, at: path)
    }

    mutating func integer(_ value: JSONValue?, at path: String, minimum: Int) -> Int? {
        guard let value else { return nil }
        guard let number = value.int else {
            fail(path, "expected integer, but got \(value.typeName)")
            return nil
        }
        if number < minimum {
            fail(path, "must be >= \(minimum), but got \(number)")
            return nil
        }
        return number
    }

    mutating func boolean(_ value: JSONValue?, at path: String) -> Bool? {
        guard let value else { return nil }
        guard let flag = value.bool else {
            fail(path, "expected boolean, but got \(value.typeName)")
            return nil
        }
        return flag
    }

    mutating func oneOf(_ value: JSONValue?, at path: String, _ choices: [String]) -> String? {
        guard let text = string(value, at: path) else { return nil }
        guard choices.contains(text) else {
            fail(path, "value must be one of \(choices.map { "'\($0)'" }.joined(separator: ", "))")
            return nil
        }
        return text
    }

    mutating func strings(_ value: JSONValue?, at path: String, pattern: ((String) -> Bool)? = nil) -> [String]? {
        guard let value else { return nil }
        guard let items = value.array else {
            fail(path, "expected array, but got \(value.typeName)")
            return nil
        }
        var texts: [String] = []
        for (index, item) in items.enumerated() {
            guard let text = string(item, at: "\(path)[\(index)]") else { continue }
            if let pattern, !pattern(text) {
                fail("\(path)[\(index)]", "'\(text)' does not match the expected format")
                continue
            }
            texts.append(text)
        }
        return texts.count == items.count ? texts : nil
    }

    mutating func stringMap(_ value: JSONValue?, at path: String) -> [String: String]? {
        guard let value else { return nil }
        guard let object = value.object else {
            fail(path, "expected object, but got \(value.typeName)")
            return nil
        }
        var map: [String: String] = [:]
        for key in object.keys.sorted() {
            guard let text = object[key]?.string else {
                // Never quote the value: env values may be secrets.
                fail("\(path).\(key)", "expected string, but got \(object[key]?.typeName ?? "nothing")")
                continue
            }
            map[key] = text
        }
        return map.count == object.count ? map : nil
    }

    /// `major.minor`, as CUDA versions are written.
    static func isCudaVersion(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }
}
