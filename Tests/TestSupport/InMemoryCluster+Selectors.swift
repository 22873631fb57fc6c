import Decisions
import KubeClient
import Primitives

extension InMemoryCluster {
    /// The filter for a list: the label selector as ``LabelSelector`` reads it (the same parser the autoscaler
    /// uses), and field selectors of `path=value`, `path==value` and `path!=value` terms over dotted paths
    /// (`status.phase`, `spec.nodeName`), a missing field reading as `""`. Either one nil or empty selects all.
    static func selector(
        labelSelector: String?, fieldSelector: String?, path: ResourcePath
    ) throws(KubeError) -> (JSONValue) -> Bool {
        let labels: LabelSelector
        do {
            labels = try LabelSelector(labelSelector ?? "")
        } catch {
            throw badRequest(.list, path, "unable to parse requirement: \(error)")
        }
        var fields: [(path: [String], value: String, equal: Bool)] = []
        for term in (fieldSelector ?? "").split(separator: ",") where !term.isEmpty {
            let text = String(term)
            let equal = !text.contains("!=")
            let separator = text.contains("!=") ? "!=" : text.contains("==") ? "==" : "="
            guard let range = text.range(of: separator), range.lowerBound > text.startIndex else {
                throw badRequest(.list, path, "invalid field selector: \(text)")
            }
            let field = text[..<range.lowerBound].split(separator: ".").map(String.init)
            fields.append((field, String(text[range.upperBound...]), equal))
        }
        return { object in
            let labelMap = (object["metadata"]["labels"].object ?? [:]).compactMapValues(\.string)
            guard labels.matches(labelMap) else { return false }
            return fields.allSatisfy { term in
                let value = term.path.reduce(object) { $0[$1] }
                return (fieldText(value) == term.value) == term.equal
            }
        }
    }

    /// A field's value as a field selector compares it.
    private static func fieldText(_ value: JSONValue) -> String {
        if let text = value.string { return text }
        if let flag = value.bool { return flag ? "true" : "false" }
        if let number = value.int { return String(number) }
        if let number = value.double { return String(number) }
        return ""
    }
}
