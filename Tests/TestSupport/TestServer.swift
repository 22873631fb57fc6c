import Hummingbird

/// A Hummingbird server on 127.0.0.1 and a port the system picked, alive for one test.
public struct TestServer: Sendable {
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` while a server answers with `handler`, then stops the server.
    public static func with<Context: RequestContext, Result: Sendable>(
        _ handler: @escaping @Sendable (Request, Context) async throws -> Response,
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result where Context.Source == ApplicationRequestContextSource {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: CallbackResponder(callback: handler),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await app.run() }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                throw TestServerError.notListening
            }
            return try await body(TestServer(port: port))
        }
    }
}

/// The server never reported a port.
public enum TestServerError: Error {
    case notListening
}
