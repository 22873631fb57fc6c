import CurlHTTP
import TestSupport
import Testing

@Suite("Failures are classified")
struct FailureTests {
    @Test func slowHandlerHitsTheTotalTimeout() async throws {
        let routes = TestRoutes()
        let client = HTTPClient(configuration: .init(timeout: .milliseconds(300), proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            defer { routes.gate.open() }
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.baseURL + "/block"))
            }
            #expect(error?.isTimeout == true, "\(String(describing: error))")
            #expect(error?.curlCode == 28)
        }
    }

    @Test func perRequestTimeoutOverridesTheConfiguration() async throws {
        let routes = TestRoutes()
        let client = HTTPClient(configuration: .init(timeout: .seconds(60), proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            defer { routes.gate.open() }
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.baseURL + "/block", timeout: .milliseconds(200)))
            }
            #expect(error?.isTimeout == true)
        }
    }

    @Test func closedPortIsAConnectFailure() async throws {
        let closed = ReservedPort()
        let client = HTTPClient(configuration: .init(proxy: ""))
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "http://127.0.0.1:\(closed.port)/x"))
        }
        #expect(error?.isConnectFailure == true, "\(String(describing: error))")
        #expect(error?.description.contains("127.0.0.1:\(closed.port)/x") == true)
        withExtendedLifetime(closed) {}
    }

    @Test(arguments: ["/big?size=4096", "/big-chunked"])
    func oversizedResponseIsTooLarge(path: String) async throws {
        let routes = TestRoutes()
        let client = HTTPClient(configuration: .init(maxResponseBytes: 1024, proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.baseURL + path))
            }
            #expect(error?.isTooLarge == true, "\(String(describing: error))")
            // Exactly at the limit is fine.
            let response = try await client.execute(HTTPRequest(url: server.baseURL + "/big?size=1024"))
            #expect(response.body.count == 1024)
        }
    }

    @Test func tlsAgainstAPlainServerIsATLSFailure() async throws {
        let routes = TestRoutes()
        let client = HTTPClient(configuration: .init(proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/echo"))
            }
            #expect(error?.isTLSFailure == true, "\(String(describing: error))")
        }
    }

    @Test func headerInjectionIsRejectedBeforeSending() async throws {
        let client = HTTPClient(configuration: .init(proxy: ""))
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(
                HTTPRequest(url: "http://127.0.0.1:1/", headers: [(name: "X-A", value: "1\r\nX-Injected: 2")]))
        }
        #expect(error?.isInvalidRequest == true)
    }

    @Test func unsupportedSchemeIsAnInvalidRequest() async throws {
        let client = HTTPClient(configuration: .init(proxy: ""))
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "file:///etc/passwd"))
        }
        #expect(error?.isInvalidRequest == true, "\(String(describing: error))")
    }

    @Test func authorizationValueNeverAppearsInErrors() async throws {
        let secret = "rpa_SECRET_0123456789abcdef"
        let headers = [(name: "Authorization", value: "Bearer \(secret)")]
        let routes = TestRoutes()
        let closed = ReservedPort()
        let client = HTTPClient(configuration: .init(timeout: .milliseconds(300), maxResponseBytes: 100, proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            defer { routes.gate.open() }
            let requests = [
                HTTPRequest(url: server.baseURL + "/block", headers: headers),
                HTTPRequest(url: server.baseURL + "/big?size=4096", headers: headers),
                HTTPRequest(url: "http://127.0.0.1:\(closed.port)/", headers: headers),
                HTTPRequest(url: server.baseURL + "/echo", headers: headers + [(name: "Bad\nName", value: "x")]),
                HTTPRequest(url: "http://user:\(secret)@127.0.0.1:\(closed.port)/?token=\(secret)", headers: headers),
            ]
            var failures = 0
            for request in requests {
                do {
                    _ = try await client.execute(request)
                } catch let error as HTTPClientError {
                    failures += 1
                    #expect(!String(describing: error).contains(secret))
                    #expect(!String(reflecting: error).contains(secret))
                    #expect(!error.message.contains(secret))
                }
            }
            #expect(failures == requests.count)
        }
        withExtendedLifetime(closed) {}
    }
}
