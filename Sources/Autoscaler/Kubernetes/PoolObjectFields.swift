import Decisions
import KubeClient
import Primitives

/// Typed reads of a RunPodPool's `spec` by dotted path (`template.gpuCount`):
/// nil when absent or `null`, an error naming the field when the JSON type is
/// wrong (the API server's schema normally rules that out).
struct PoolObjectFields: PoolFieldSource {
    let spec: JSONValue

    func string(_ path: String) throws(PoolSpecError) -> String? {
        try read(path, "a string") { $0.string }
    }

    func int(_ path: String) throws(PoolSpecError) -> Int? {
        try read(path, "a whole number") { $0.int }
    }

    func double(_ path: String) throws(PoolSpecError) -> Double? {
        try read(path, "a number") { $0.double }
    }

    func bool(_ path: String) throws(PoolSpecError) -> Bool? {
        try read(path, "true or false") { $0.bool }
    }

    func strings(_ path: String) throws(PoolSpecError) -> [String]? {
        try read(path, "a list of strings") { value in
            guard let items = value.array else { return nil }
            let strings = items.compactMap(\.string)
            return strings.count == items.count ? strings : nil
        }
    }

    func stringMap(_ path: String) throws(PoolSpecError) -> [String: String]? {
        try read(path, "a mapping of strings") { value in
            guard let members = value.object else { return nil }
            let strings = members.compactMapValues(\.string)
            return strings.count == members.count ? strings : nil
        }
    }

    func records(_ path: String, keys: [String]) throws(PoolSpecError) -> [[String: String]]? {
        try read(path, "a list of objects") { value in
            guard let items = value.array else { return nil }
            var records: [[String: String]] = []
            for item in items {
                guard let members = item.object else { return nil }
                var record: [String: String] = [:]
                for key in keys {
                    guard let member = members[key] else { continue }
                    if let text = member.string {
                        record[key] = text
                    } else if let number = member.int {
                        record[key] = String(number)
                    } else {
                        return nil
                    }
                }
                records.append(record)
            }
            return records
        }
    }

    private func read<Value>(_ path: String, _ expected: String, _ convert: (JSONValue) -> Value?)
        throws(PoolSpecError) -> Value?
    {
        let value = path.split(separator: ".").reduce(spec) { $0[String($1)] }
        if value.isNull { return nil }
        guard let converted = convert(value) else {
            throw PoolSpecError(field: path, reason: "expected \(expected)")
        }
        return converted
    }
}
