import CurlHTTP
import Foundation
import Synchronization

/// A client for RunPod's REST v2 API: pods, pod actions and the GPU catalog.
///
/// Every call throws a classified ``RunPodError``. The API key is sent as `Authorization: Bearer <key>` and never
/// appears in an error, a description or the `onRequest` report.
public final class RunPodClient: Sendable {
    /// Observes each HTTP exchange: operation label, HTTP status as text or `transport`, duration in seconds.
    public typealias RequestObserver = @Sendable (_ operation: String, _ code: String, _ seconds: Double) -> Void

    private let baseURL: String
    private let credential: BearerCredential
    private let http: HTTPClient
    private let onRequest: RequestObserver?
    private let latestRateLimit = Mutex<RunPodRateLimit?>(nil)

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: The service root, e.g. `https://api.runpod.io` or an emulator's `http://127.0.0.1:19080`.
    ///   - apiKey: The RunPod API key.
    ///   - http: The HTTP client to send with; the caller owns it and shuts it down.
    ///   - onRequest: Called after every exchange with the operation (`list`, `get`, `create`, `delete`,
    ///     `action`, `catalog`), the status code as text or `transport`, and the time taken in seconds.
    public init(baseURL: String, apiKey: String, http: HTTPClient, onRequest: RequestObserver? = nil) {
        var root = baseURL
        while root.hasSuffix("/") {
            root.removeLast()
        }
        self.baseURL = root
        self.credential = BearerCredential(apiKey: apiKey)
        self.http = http
        self.onRequest = onRequest
    }

    /// The rate-limit headers of the latest answer that had them, success or error: what the key has left.
    /// RunPod counts every call of a key, so the latest answer speaks for all of them.
    public var rateLimit: RunPodRateLimit? { latestRateLimit.withLock { $0 } }

    /// Sends one request and returns the response if its status is 2xx; any other status, or no response,
    /// throws the mapped ``RunPodError``.
    func send(
        _ operation: RunPodOperation,
        method: String,
        path: String,
        body: [UInt8]? = nil
    ) async throws(RunPodError) -> HTTPResponse {
        var headers = [
            (name: "Authorization", value: credential.headerValue), (name: "Accept", value: "application/json"),
        ]
        if body != nil {
            headers.append((name: "Content-Type", value: "application/json"))
        }
        let request = HTTPRequest(method: method, url: baseURL + path, headers: headers, body: body)
        let clock = ContinuousClock()
        let start = clock.now
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            report(operation, code: "transport", since: start, clock: clock)
            throw RunPodError(
                kind: .transport,
                message: credential.redact("\(operation.summary) failed: \(error.description)"),
                cause: error
            )
        }
        report(operation, code: String(response.status), since: start, clock: clock)
        let now = Date()
        let rateLimit = RunPodRateLimit.parse(header: response.header, now: now)
        if let rateLimit { latestRateLimit.withLock { $0 = rateLimit } }
        guard (200..<300).contains(response.status) else {
            var error = RunPodErrorMapping.error(
                for: response, operation: operation, now: now, redact: credential.redact)
            error.rateLimit = rateLimit
            throw error
        }
        return response
    }

    /// Decodes a success response's JSON body.
    func decode<Document: Decodable>(
        _ type: Document.Type,
        from response: HTTPResponse,
        _ operation: RunPodOperation
    ) throws(RunPodError) -> Document {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw RunPodError(
                kind: .decoding,
                status: response.status,
                message: credential.redact(
                    "\(operation.summary): the response is not what the API documents (\(Self.summary(of: error)))"),
                cause: error
            )
        }
    }

    /// JSON for a request body; sorted keys so the same value always gives the same bytes.
    func encode(_ value: some Encodable, _ operation: RunPodOperation) throws(RunPodError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw RunPodError(kind: .invalidRequest, message: "\(operation.summary): cannot encode the request body")
        }
    }

    /// `id` as one URL path segment; an empty id would address the collection instead, so it is refused.
    func pathSegment(_ id: String, _ operation: RunPodOperation) throws(RunPodError) -> String {
        guard !id.isEmpty else {
            throw RunPodError(kind: .invalidRequest, message: "\(operation.summary): the pod id is empty")
        }
        return PercentEncoding.encode(id)
    }

    private func report(
        _ operation: RunPodOperation, code: String, since start: ContinuousClock.Instant, clock: ContinuousClock
    ) {
        guard let onRequest else { return }
        let elapsed = start.duration(to: clock.now).components
        onRequest(operation.label, code, Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
    }

    /// Where and why decoding failed, without the values involved.
    private static func summary(of error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default:
            return "undecodable"
        }
        var path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        if case .keyNotFound(let key, _) = error {
            path += ".\(key.stringValue)"
        }
        let what: String
        switch error {
        case .keyNotFound: what = "missing"
        case .valueNotFound: what = "null"
        case .typeMismatch: what = "of the wrong type"
        default: what = "malformed"
        }
        return path.isEmpty ? "the document is \(what)" : "\(path.dropFirst(path.hasPrefix(".") ? 1 : 0)) is \(what)"
    }
}
