import Foundation
import Hummingbird
import TestSupport

/// What `/echo` saw, sent back as JSON.
struct Echo: Codable {
    var method: String
    var path: String
    var query: String
    var headers: [String: String]
    var body: String
}

/// The routes the CurlHTTP tests talk to, with the gate and counter their slow handlers use.
struct TestRoutes: Sendable {
    let gate = Gate()
    let arrivals = Counter()

    var handler: @Sendable (Request, PeerContext) async throws -> Response {
        { request, context in try await respond(to: request, context: context) }
    }

    private func respond(to request: Request, context: PeerContext) async throws -> Response {
        var request = request
        switch request.uri.path {
        case "/echo":
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName, default: ""] += field.value
            }
            let echo = Echo(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                headers: headers, body: String(buffer: body))
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(echo))))
        case "/status":
            let code = request.uri.queryParameters["code"].flatMap { Int(String($0)) } ?? 200
            var headers = HTTPFields()
            headers[.retryAfter] = "7"
            headers[HTTPFields.Element.Name("X-Custom-Header")!] = "Custom Value"
            return Response(
                status: .init(code: code), headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "status \(code)")))
        case "/peer":
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "\(context.remotePort ?? -1)")))
        case "/block":
            arrivals.increment()
            await gate.wait()
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "released")))
        case "/big":
            let size = request.uri.queryParameters["size"].flatMap { Int(String($0)) } ?? 4096
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: size)))
        case "/big-chunked":
            let chunk = ByteBuffer(repeating: UInt8(ascii: "y"), count: 1024)
            return Response(status: .ok, body: .init(contentsOf: Array(repeating: chunk, count: 8)))
        default:
            return Response(status: .notFound)
        }
    }
}
