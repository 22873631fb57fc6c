import Foundation
import KubeClient

/// One request as the fake API server received it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    /// The raw (still percent-encoded) query.
    var query: String?
    /// Lowercased names.
    var headers: [String: String]
    var body: String

    /// The body parsed as JSON (`.null` when empty or not JSON).
    var json: JSONValue {
        (try? JSONValue(parsing: Array(body.utf8))) ?? .null
    }

    /// The query's `name=value` pairs, percent-decoded.
    var queryItems: [String: String] {
        var items: [String: String] = [:]
        for pair in (query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first else { continue }
            items[String(name).removingPercentEncoding ?? String(name)] =
                parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
        }
        return items
    }
}
