import Foundation

extension RunPodRateLimit {
    /// Reads the rate-limit headers of an answer; nil when it has none, or none that make sense.
    /// - Parameter header: the value of a header field by name, case-insensitively.
    public static func parse(header: (String) -> String?, now: Date) -> RunPodRateLimit? {
        if let current = header("ratelimit") {
            let policies = Dictionary(
                (header("ratelimit-policy").map(items) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let readings = items(current).compactMap { item -> RunPodRateLimit? in
                guard let remaining = item.int("r") else { return nil }
                let policy = policies[item.name]
                return RunPodRateLimit(
                    policy: item.name.isEmpty ? nil : item.name, limit: policy?.int("q"),
                    windowSeconds: policy?.double("w"), remaining: remaining,
                    resetSeconds: item.double("t") ?? policy?.double("w") ?? 0, observedAt: now)
            }
            return readings.min { $0.remaining < $1.remaining }
        }
        // The older draft: plain numbers, the limit possibly followed by its policy (`60, 60;w=60`).
        guard let remaining = header("ratelimit-remaining").flatMap({ Int(firstMember($0)) }), remaining >= 0 else {
            return nil
        }
        let limitItems = header("ratelimit-limit").map(items) ?? []
        let window = limitItems.lazy.compactMap { $0.double("w") }.first
        return RunPodRateLimit(
            limit: header("ratelimit-limit").flatMap { Int(firstMember($0)) }, windowSeconds: window,
            remaining: remaining, resetSeconds: header("ratelimit-reset").flatMap { Double(firstMember($0)) } ?? 0,
            observedAt: now)
    }

    /// One member of a structured-field list: its (unquoted) name and its parameters.
    private struct Item {
        var name: String
        var parameters: [String: String]

        func int(_ key: String) -> Int? { parameters[key].flatMap { Int($0) }.flatMap { $0 >= 0 ? $0 : nil } }
        func double(_ key: String) -> Double? {
            parameters[key].flatMap { Double($0) }.flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
        }
    }

    /// Splits `"a";q=1;w=2, "b";q=3` into items; enough of RFC 8941 for these fields (names hold no `,` or `;`).
    private static func items(_ value: String) -> [Item] {
        value.split(separator: ",").map { member in
            let parts = member.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            var name = parts.first ?? ""
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
                name = String(name.dropFirst().dropLast())
            }
            var parameters: [String: String] = [:]
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { parameters[pair[0].lowercased()] = pair[1] }
            }
            return Item(name: name, parameters: parameters)
        }
    }

    private static func firstMember(_ value: String) -> String {
        let first = value.split(separator: ",").first.map(String.init) ?? value
        return (first.split(separator: ";").first.map(String.init) ?? first).trimmingCharacters(in: .whitespaces)
    }
}
