import Primitives
import Yams

/// Turns a composed YAML document into a `JSONValue` tree, resolving plain scalars by their YAML tags.
enum YAMLTree {
    static func value(of node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map(JSONValue.int) ?? .string(scalar.string)
            case .float: return node.float.map(JSONValue.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(sequence.map(value(of:)))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, item) in mapping {
                object[key.string ?? ""] = value(of: item)
            }
            return .object(object)
        case .alias:
            return .null
        }
    }
}
