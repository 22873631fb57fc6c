import Hummingbird
import Synchronization

/// One request as the fake service received it.
struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Lowercased names.
    var headers: [String: String]
    var body: String
}

/// A canned answer.
struct CannedResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: String = ""

    /// A JSON document.
    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> CannedResponse {
        CannedResponse(
            status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
    }

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

/// A stand-in for RunPod's REST v2 service: records every request and answers with `answer`.
final class FakeRunPod: Sendable {
    private let recorded = Mutex<[RecordedRequest]>([])
    private let answer: @Sendable (RecordedRequest) -> CannedResponse

    init(answer: @escaping @Sendable (RecordedRequest) -> CannedResponse) {
        self.answer = answer
    }

    /// The requests received so far, oldest first.
    var requests: [RecordedRequest] { recorded.withLock { $0 } }

    var handler: @Sendable (Request, BasicRequestContext) async throws -> Response {
        { [self] request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName] = field.value
            }
            let received = RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
                body: String(buffer: body))
            recorded.withLock { $0.append(received) }
            let canned = answer(received)
            var fields = HTTPFields()
            for (name, value) in canned.headers {
                fields[HTTPFields.Element.Name(name)!] = value
            }
            return Response(
                status: .init(code: canned.status), headers: fields,
                body: .init(byteBuffer: ByteBuffer(string: canned.body)))
        }
    }
}
