/// A Kubernetes label selector in its string form (`app=gpu-worker`,
/// `tier!=batch`, `env in (a,b)`, `env notin (c)`, `gpu`, `!spot`, comma-AND),
/// evaluated locally against an object's labels.
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    public let requirements: [Requirement]
    public let description: String

    /// The empty selector.
    public static let everything = LabelSelector(requirements: [], description: "")

    private init(requirements: [Requirement], description: String) {
        self.requirements = requirements
        self.description = description
    }

    /// Parses the selector; an empty string selects everything.
    public init(_ text: String) throws(LabelSelectorError) {
        description = text
        var requirements: [Requirement] = []
        for clause in Self.splitClauses(text) {
            let part = clause.trimmingCharacters(in: " ")
            if part.isEmpty { continue }
            requirements.append(try Self.requirement(part, in: text))
        }
        self.requirements = requirements
    }

    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    /// Splits on commas outside parentheses.
    private static func splitClauses(_ text: String) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1
            case ")": depth -= 1
            case "," where depth == 0:
                clauses.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        clauses.append(current)
        return clauses
    }

    private static func requirement(_ part: String, in text: String) throws(LabelSelectorError) -> Requirement {
        for (op, make) in [
            ("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals),
        ] as [(String, (String, String) -> Requirement)] {
            if let range = part.range(of: op) {
                let key = part[..<range.lowerBound].trimmingCharacters(in: " ")
                let value = part[range.upperBound...].trimmingCharacters(in: " ")
                guard !key.isEmpty else { throw LabelSelectorError(selector: text, reason: "no key before \(op)") }
                return make(key, value)
            }
        }
        for (word, isIn) in [(" notin ", false), (" in ", true)] {
            if let range = part.range(of: word) {
                let key = part[..<range.lowerBound].trimmingCharacters(in: " ")
                let rest = part[range.upperBound...].trimmingCharacters(in: " ")
                guard rest.hasPrefix("("), rest.hasSuffix(")") else {
                    throw LabelSelectorError(selector: text, reason: "expected a (list) after\(word)")
                }
                let values = Set(
                    rest.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: " ") })
                return isIn ? .isIn(key, values) : .notIn(key, values)
            }
        }
        if part.hasPrefix("!") {
            return .doesNotExist(String(part.dropFirst()).trimmingCharacters(in: " "))
        }
        guard !part.contains(" ") else { throw LabelSelectorError(selector: text, reason: "cannot read \"\(part)\"") }
        return .exists(part)
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var view = Substring(self)
        while view.first == character { view.removeFirst() }
        while view.last == character { view.removeLast() }
        return String(view)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(self).trimmingCharacters(in: character)
    }
}
