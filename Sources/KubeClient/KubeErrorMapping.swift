import CurlHTTP
import Foundation
import Primitives

/// Turns a response outside 2xx into a ``KubeError``, from its status and the `Status` object the API server
/// sends with errors.
enum KubeErrorMapping {
    /// The error for `response`. `redact` removes the token from any text the server sent back.
    static func error(for response: HTTPResponse, now: Date, redact: (String) -> String) -> KubeError {
        let document = try? JSONValue(parsing: response.body)
        let isStatus = document?["kind"].string == "Status"
        let reason = isStatus ? document?["reason"].string.flatMap { $0.isEmpty ? nil : $0 } : nil
        let explanation = redact(isStatus ? statusMessage(document ?? .null) : snippet(of: response.body))
        let headerDelay = response.header("retry-after").flatMap { RetryAfter.seconds(from: $0, now: now) }
        let statusDelay = isStatus ? document?["details"]["retryAfterSeconds"].double : nil
        return KubeError(
            kind: kind(status: response.status, reason: reason),
            status: response.status,
            reason: reason,
            message: explanation,
            retryAfter: headerDelay ?? statusDelay
        )
    }

    /// The kind for an HTTP status and the `Status` reason.
    static func kind(status: Int, reason: String?) -> KubeError.Kind {
        switch (status, reason) {
        case (409, "AlreadyExists"): .alreadyExists
        case (404, _): .notFound
        case (409, _): .conflict
        case (401, _): .unauthorized
        case (403, _): .forbidden
        case (429, _): .tooManyRequests
        case (400..<500, _): .invalid
        default: .server
        }
    }

    /// The `Status` message, or its reason and causes when it has none.
    private static func statusMessage(_ status: JSONValue) -> String {
        if let message = status["message"].string, !message.isEmpty {
            return message
        }
        let causes = (status["details"]["causes"].array ?? []).compactMap { cause -> String? in
            let parts = [cause["field"].string, cause["message"].string].compactMap { $0 }.filter { !$0.isEmpty }
            return parts.isEmpty ? nil : parts.joined(separator: ": ")
        }
        if !causes.isEmpty {
            return causes.joined(separator: "; ")
        }
        return status["reason"].string.flatMap { $0.isEmpty ? nil : $0 } ?? "no explanation in the response"
    }

    /// The start of a body that is not a `Status`, on one line.
    private static func snippet(of body: [UInt8]) -> String {
        let printable = String(decoding: body.prefix(200), as: UTF8.self)
            .map { $0.isNewline || $0 == "\t" ? " " : $0 }
            .filter { !($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }
        let text = String(printable).trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "no explanation in the response" : text
    }
}
