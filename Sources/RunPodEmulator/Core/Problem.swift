import Primitives

/// An RFC 9457 problem document, as RunPod's `ErrorResponse`: `{"title","status","detail","errors"}`.
struct Problem: Error, Sendable, Equatable {
    let status: Int
    let title: String
    let detail: String
    let errors: [String]?

    init(status: Int, detail: String, errors: [String]? = nil) {
        self.status = status
        self.title = Problem.title(for: status)
        self.detail = detail
        self.errors = errors
    }

    var json: JSONValue {
        var object: [String: JSONValue] = [
            "title": .string(title), "status": .int(status), "detail": .string(detail),
        ]
        if let errors { object["errors"] = .array(errors.map(JSONValue.string)) }
        return .object(object)
    }

    static func title(for status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 422: "Unprocessable Entity"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }
}
