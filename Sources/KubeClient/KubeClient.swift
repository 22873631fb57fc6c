import CurlHTTP
import Foundation
import Primitives

/// A minimal Kubernetes REST client: objects as ``JSONValue``, addressed by ``ResourcePath``.
///
/// Every call throws a classified ``KubeError``. Requests carry `Accept: application/json` and, when the
/// configuration has one, `Authorization: Bearer <token>`; the token never appears in an error or a description.
/// Requests run on the ``CurlHTTP`` client's worker threads, never blocking the Swift concurrency pool.
public final class KubeClient: Sendable {
    /// The configuration this client was made with (its description redacts secrets).
    public let config: KubeConfig
    private let baseURL: String
    private let http: HTTPClient
    private let credential: BearerToken
    /// Events recorded by this client, for counting repeats.
    let eventLog = EventLog()
    /// `reportingInstance` of recorded events.
    let instance: String

    /// Creates a client and its HTTP worker threads.
    /// - Parameters:
    ///   - config: The server, trust and credentials.
    ///   - timeout: The time allowed for each request (connecting takes at most 5 s of it).
    ///   - userAgent: The `User-Agent` header value.
    public init(config: KubeConfig, timeout: Duration = .seconds(10), userAgent: String = "runpod-autoscaler") {
        self.config = config
        var root = config.server
        while root.hasSuffix("/") {
            root.removeLast()
        }
        baseURL = root
        credential = BearerToken(token: config.token, file: config.tokenFile)
        instance = config.reportingInstance ?? Self.hostName()
        http = HTTPClient(
            configuration: .init(
                connectTimeout: min(timeout, .seconds(5)),
                timeout: timeout,
                maxResponseBytes: 64 << 20,
                maxConcurrentTransfers: 4,
                userAgent: userAgent,
                proxy: config.proxy,
                caPEM: config.caPEM,
                clientCertificatePEM: config.clientCertificatePEM,
                clientKeyPEM: config.clientKeyPEM
            ))
    }

    /// Stops the HTTP worker threads; later calls fail with ``KubeError/Kind/transport``. Deinit does this too.
    public func shutdown() {
        http.shutdown()
    }

    /// The namespace to work in by default (``KubeConfig/namespace``).
    public var namespace: String { config.namespace }

    /// Sends one request and returns the response if its status is 2xx; any other status, or no response,
    /// throws the mapped ``KubeError``.
    func send(
        _ method: String,
        _ path: ResourcePath,
        query: String = "",
        body: JSONValue? = nil,
        contentType: String = "application/json"
    ) async throws(KubeError) -> HTTPResponse {
        let context = "\(method) \(path.path)"
        var headers = [(name: "Accept", value: "application/json")]
        if let authorization = credential.headerValue() {
            headers.append((name: "Authorization", value: authorization))
        }
        if body != nil {
            headers.append((name: "Content-Type", value: contentType))
        }
        let url = baseURL + path.path + (query.isEmpty ? "" : "?" + query)
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body?.serialized())
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw KubeError(kind: .transport, message: credential.redact(error.description), cause: error)
        }
        guard (200..<300).contains(response.status) else {
            throw KubeErrorMapping.error(for: response, now: Date(), redact: credential.redact)
                .prefixed(with: context)
        }
        return response
    }

    /// Sends one request and decodes the JSON object the server answers with.
    func sendForObject(
        _ method: String,
        _ path: ResourcePath,
        query: String = "",
        body: JSONValue? = nil,
        contentType: String = "application/json"
    ) async throws(KubeError) -> JSONValue {
        let response = try await send(method, path, query: query, body: body, contentType: contentType)
        let value: JSONValue
        do {
            value = try JSONValue(parsing: response.body)
        } catch {
            throw KubeError(
                kind: .decoding, status: response.status, message: "\(method) \(path.path): the response is not JSON",
                cause: error.cause)
        }
        guard value.object != nil else {
            throw KubeError(
                kind: .decoding, status: response.status,
                message: "\(method) \(path.path): the response is not a JSON object")
        }
        return value
    }

    /// Refuses, before sending, a request that does not name an object.
    func requireName(_ path: ResourcePath, for verb: String) throws(KubeError) {
        guard path.hasName else {
            throw KubeError(kind: .invalid, message: "\(verb) \(path.path): the path names no object")
        }
    }

    /// This machine's name (the pod name in a cluster).
    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "runpod-autoscaler" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "runpod-autoscaler" : name
    }
}
