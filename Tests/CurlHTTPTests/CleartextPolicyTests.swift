import CurlHTTP
import Testing

@Suite("Credentials travel over plain http only to loopback")
struct CleartextPolicyTests {
    static let allowedURLs = [
        "http://127.0.0.1:19080", "http://127.0.0.1", "http://127.255.0.9:80/v2", "http://localhost:8080/v2",
        "HTTP://LOCALHOST", "Http://LocalHost:1/", "http://[::1]:8080", "http://[::1]/v2",
        "http://[0:0:0:0:0:0:0:1]:8080", "http://[0::1]", "http://evil.com@127.0.0.1:9/",
        "https://api.runpod.io", "HTTPS://api.runpod.io/v2", "https://10.96.0.1:443",
    ]

    static let refusedURLs = [
        "http://api.runpod.io", "HTTP://api.runpod.io", "http://10.0.0.5:19080", "http://0.0.0.0:19080",
        "http://[::]:8080", "http://127.0.0.1.evil.com", "http://127.0.0.1.evil.com:8080/v2",
        "http://localhost@evil.com", "http://localhost:8080@evil.com/", "http://user:pw@evil.com",
        "http://localhost.", "http://localhost.evil.com", "http://evil.com\\@localhost", "http://evil.com#@localhost",
        "http://evil.com?@127.0.0.1", "http://127.1", "http://0177.0.0.1", "http://0x7f.0.0.1", "http://2130706433",
        "http://127.000.000.001", "http://[::ffff:127.0.0.1]", "http://[::1%25lo]", "http://%6cocalhost",
        "http://a@b@127.0.0.1", "http://127.0.0.1:99999", "http://127.0.0.1:8080:80", "http://", "http:/localhost",
        "ftp://localhost", "localhost:8080",
    ]

    @Test(arguments: allowedURLs) func allowed(_ url: String) {
        #expect(CleartextPolicy.refusal(for: url) == nil)
    }

    @Test(arguments: refusedURLs) func refused(_ url: String) throws {
        let reason = try #require(CleartextPolicy.refusal(for: url, credential: "the key"))
        #expect(reason.contains("the key"))
        #expect(!reason.contains("pw"), "the reason never repeats user info")
    }

    @Test func theReasonNamesTheHostAndTheWayOut() {
        #expect(
            CleartextPolicy.refusal(for: "http://user:secret@Evil.COM:80/v2", credential: "the RunPod API key")
                == "plain http would carry the RunPod API key in clear text to evil.com; it is allowed only to "
                + "loopback (127.0.0.0/8, ::1, localhost): use https://")
        #expect(CleartextPolicy.refusal(for: "http://[2001:db8::1]:80")?.contains("to [2001:db8::1];") == true)
    }

    @Test func authoritiesAreReadAsCurlReadsThem() throws {
        let tricky = try #require(URLAuthority("HTTP://LocalHost:8080@Evil.com:81/p?q#f"))
        #expect(tricky == URLAuthority("http://someone@evil.com:81"))
        #expect(tricky.scheme == "http" && tricky.host == "evil.com" && tricky.port == 81 && tricky.hasUserInfo)
        let ipv6 = try #require(URLAuthority("http://[::1]:8080/v2"))
        #expect(ipv6.host == "::1" && ipv6.isIPv6Literal && ipv6.port == 8080 && !ipv6.hasUserInfo && ipv6.isLoopback)
        #expect(URLAuthority("http://127.0.0.1.evil.com")?.host == "127.0.0.1.evil.com")
        #expect(URLAuthority("http://127.0.0.1.evil.com")?.isLoopback == false)
        #expect(URLAuthority("http://evil.com\\@localhost") == nil, "a backslash is a separator to browsers")
        #expect(URLAuthority("http://a@b@c") == nil)
        #expect(URLAuthority("http://[::1") == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func aCredentialIsNeverSentInClearTextToAnotherMachine() async throws {
        // Everything goes through this proxy, so a request that left the process would show up there.
        let proxy = RawProxyServer()
        defer { proxy.stop() }
        let client = HTTPClient(configuration: .init(proxy: "http://127.0.0.1:\(proxy.port)"))
        defer { client.shutdown() }
        let secret = "Bearer rpa-SECRET-never-sent"
        for request in [
            HTTPRequest(url: "http://upstream.invalid:8080/v2/pods", headers: [(name: "Authorization", value: secret)]),
            HTTPRequest(url: "HTTP://upstream.invalid/v2/pods", headers: [(name: "authorization", value: secret)]),
            HTTPRequest(
                url: "http://localhost@upstream.invalid/v2/pods", headers: [(name: "Authorization", value: secret)]),
            HTTPRequest(url: "http://user:rpa-SECRET-never-sent@upstream.invalid/v2/pods"),
        ] {
            let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
            #expect(error?.isInvalidRequest == true, "\(String(describing: error))")
            #expect(error?.message.contains("refusing to send credentials") == true)
            #expect(error?.message.contains("rpa-SECRET") == false)
        }
        #expect(proxy.receivedHead == nil, "nothing reached the wire")
        // The same request without a credential does go out: the proxy would have seen the ones above.
        let response = try await client.execute(HTTPRequest(url: "http://upstream.invalid:8080/v2/pods"))
        #expect(response.status == 200)
        #expect(proxy.receivedHead?.hasPrefix("GET http://upstream.invalid:8080/v2/pods HTTP/1.1\r\n") == true)
    }
}
