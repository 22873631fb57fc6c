import CurlHTTP
import Testing

@Suite("Proxy configuration")
struct ProxyTests {
    @Test(.timeLimit(.minutes(1)))
    func requestsGoThroughTheConfiguredProxy() async throws {
        let proxy = RawProxyServer()
        defer { proxy.stop() }
        let client = HTTPClient(configuration: .init(proxy: "http://127.0.0.1:\(proxy.port)"))
        defer { client.shutdown() }
        // The host does not resolve: only the proxy can answer.
        let response = try await client.execute(
            HTTPRequest(url: "http://upstream.invalid:8080/v2/pods?x=1", headers: [(name: "X-Trace", value: "t1")]))
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == "proxied")
        let head = try #require(proxy.receivedHead)
        #expect(head.hasPrefix("GET http://upstream.invalid:8080/v2/pods?x=1 HTTP/1.1\r\n"))
        #expect(head.contains("\r\nHost: upstream.invalid:8080\r\n"))
        #expect(head.contains("\r\nX-Trace: t1\r\n"))
    }
}
