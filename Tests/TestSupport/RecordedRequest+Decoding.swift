import Foundation
import Primitives

extension RecordedRequest {
    /// The body parsed as JSON (`.null` when empty or not JSON).
    public var json: JSONValue {
        (try? JSONValue.parse(Array(body.utf8))) ?? .null
    }

    /// The query's `name=value` pairs, percent-decoded.
    public var queryItems: [String: String] {
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
