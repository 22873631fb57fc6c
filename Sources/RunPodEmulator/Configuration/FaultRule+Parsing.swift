import Primitives

extension FaultRule {
    static let keys: Set<String> = ["kind", "operations", "count", "share", "retryAfterSeconds", "delaySeconds"]

    /// Reads and checks a rule from a JSON (or YAML-converted) object; `path` prefixes error keys.
    static func parse(_ value: JSONValue, path: String) throws(FieldError) -> FaultRule {
        let fields = try FieldReader(value, path: path, allowed: keys)
        guard let kindText = try fields.string("kind") else { throw FieldError.missing(fields.key("kind")) }
        guard let kind = FaultKind(rawValue: kindText) else {
            let known = FaultKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw FieldError.invalid(fields.key("kind"), "unknown fault kind \"\(kindText)\" (one of \(known))")
        }
        var rule = FaultRule(kind: kind)
        rule.operations = try fields.strings("operations")
        rule.count = try fields.int("count")
        rule.share = try fields.double("share")
        rule.retryAfterSeconds = try fields.double("retryAfterSeconds")
        rule.delaySeconds = try fields.double("delaySeconds")
        try rule.check(path: path)
        return rule
    }

    /// Checks the values' ranges.
    func check(path: String) throws(FieldError) {
        let prefix = path.isEmpty ? "" : path + "."
        for operation in operations ?? [] where EmulatorOperation(rawValue: operation) == nil {
            let known = EmulatorOperation.allCases.map(\.rawValue).joined(separator: ", ")
            throw FieldError.invalid(prefix + "operations", "unknown operation \"\(operation)\" (one of \(known))")
        }
        if let count, count < 1 {
            throw FieldError.invalid(prefix + "count", "must be at least 1, got \(count)")
        }
        if let share, !(0...1).contains(share) {
            throw FieldError.invalid(prefix + "share", "must be between 0 and 1, got \(share)")
        }
        if let retryAfterSeconds, !(retryAfterSeconds >= 0 && retryAfterSeconds.isFinite) {
            throw FieldError.invalid(prefix + "retryAfterSeconds", "must be at least 0")
        }
        if let delaySeconds, !(delaySeconds >= 0 && delaySeconds.isFinite) {
            throw FieldError.invalid(prefix + "delaySeconds", "must be at least 0")
        }
    }

    /// The rule as JSON, for the admin API.
    var json: JSONValue {
        var object: [String: JSONValue] = ["kind": .string(kind.rawValue)]
        if let operations { object["operations"] = .array(operations.map { .string($0) }) }
        if let count { object["count"] = .int(count) }
        if let share { object["share"] = .double(share) }
        if let retryAfterSeconds { object["retryAfterSeconds"] = .double(retryAfterSeconds) }
        if let delaySeconds { object["delaySeconds"] = .double(delaySeconds) }
        return .object(object)
    }
}
