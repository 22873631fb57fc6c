import Primitives

/// A fault rule in force, with what it has done so far.
struct ActiveFault: Sendable, Equatable {
    /// Numbered from 1 in the order the rules were added.
    let id: Int
    let rule: FaultRule
    /// Hits left before the rule is removed; `nil` = unlimited.
    var remaining: Int?
    /// Matching calls seen.
    var seen = 0
    /// Calls the rule was applied to.
    var hits = 0

    var json: JSONValue {
        guard case .object(var object) = rule.json else { return rule.json }
        object["id"] = .int(id)
        object["remaining"] = remaining.map(JSONValue.int) ?? .null
        object["seen"] = .int(seen)
        object["hits"] = .int(hits)
        return .object(object)
    }
}
