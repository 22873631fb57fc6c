import Hummingbird
import Synchronization

/// A stand-in for an HTTP service (RunPod, the Kubernetes API server): records every request and answers with
/// `answer`, which gets the request and its 0-based position among all requests received. Serve ``handler`` with
/// ``TestServer``.
public final class RecordingHTTPServer: Sendable {
    private let recorded = Mutex<[RecordedRequest]>([])
    private let answer: @Sendable (RecordedRequest, Int) -> CannedResponse

    /// A server that answers each request with `answer(request, position)`.
    public init(answer: @escaping @Sendable (RecordedRequest, Int) -> CannedResponse) {
        self.answer = answer
    }

    /// A server that answers each request with `answer(request)`.
    public convenience init(answer: @escaping @Sendable (RecordedRequest) -> CannedResponse) {
        self.init { request, _ in answer(request) }
    }

    /// The requests received so far, oldest first.
    public var requests: [RecordedRequest] { recorded.withLock { $0 } }

    /// The Hummingbird responder: records the request, then answers it.
    public var handler: @Sendable (Request, BasicRequestContext) async throws -> Response {
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
            let index = recorded.withLock { requests in
                requests.append(received)
                return requests.count - 1
            }
            let canned = answer(received, index)
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
