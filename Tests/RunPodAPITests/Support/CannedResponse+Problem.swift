import Foundation
import TestSupport

extension CannedResponse {
    /// An RFC 9457 problem document.
    static func problem(
        _ status: Int, title: String, detail: String, errors: [String]? = nil, headers: [String: String] = [:]
    ) -> CannedResponse {
        var fields = [#""title":\#(quoted(title))"#, #""status":\#(status)"#, #""detail":\#(quoted(detail))"#]
        if let errors {
            fields.append(#""errors":[\#(errors.map(quoted).joined(separator: ","))]"#)
        }
        return CannedResponse(
            status: status,
            headers: headers.merging(["Content-Type": "application/problem+json"]) { a, _ in a },
            body: "{\(fields.joined(separator: ","))}")
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
