import CurlHTTP
import Foundation
import KubeClient
import TestSupport
import Testing

/// Client-certificate TLS end to end, against `openssl s_server` requiring a client certificate.
@Suite("Client-certificate TLS", .enabled(if: TestPKI.available, "needs /usr/bin/openssl"))
struct TLSTests {
    static let podPath = "/api/v1/namespaces/default/pods/gpu-worker-0"
    static let pod = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"gpu-worker-0","namespace":"default"}}"#

    /// Runs `body` with a fresh PKI and a server that serves ``pod`` at ``podPath``.
    private func withServer(_ body: (TestPKI, OpenSSLServer) async throws -> Void) async throws {
        let pki = try TestPKI()
        let root = try TemporaryDirectory()
        try root.write(String(Self.podPath.dropFirst()), Self.pod)
        let server = try await OpenSSLServer.start(pki: pki, root: root.path)
        defer { server.stop() }
        try await body(pki, server)
    }

    private func fetch(
        _ configuration: HTTPClient.Configuration, from server: OpenSSLServer
    ) async throws(HTTPClientError) -> HTTPResponse {
        var configuration = configuration
        configuration.proxy = ""
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        return try await client.execute(HTTPRequest(url: server.baseURL + Self.podPath))
    }

    @Test func pemIdentityAndPEMTrustAuthenticate() async throws {
        try await withServer { pki, server in
            let response = try await fetch(
                .init(
                    caPEM: try pki.text("ca.pem"), clientCertificatePEM: try pki.text("client.pem"),
                    clientKeyPEM: try pki.text("client.key")),
                from: server)
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == Self.pod)
        }
    }

    @Test func fileIdentityAndFileTrustAuthenticate() async throws {
        try await withServer { pki, server in
            let response = try await fetch(
                .init(
                    caFile: pki.path("ca.pem"), clientCertificateFile: pki.path("client.pem"),
                    clientKeyFile: pki.path("client.key")),
                from: server)
            #expect(response.status == 200)
        }
    }

    @Test func kubeClientTalksMutualTLSFromItsConfig() async throws {
        try await withServer { pki, server in
            let config = KubeConfig(
                server: server.baseURL, caPEM: try pki.text("ca.pem"),
                clientCertificatePEM: try pki.text("client.pem"), clientKeyPEM: try pki.text("client.key"),
                proxy: "")
            let client = KubeClient(config: config)
            defer { client.shutdown() }
            let pod = try await client.get(.pods(namespace: "default").named("gpu-worker-0"))
            #expect(pod["kind"] == "Pod")
            #expect(pod["metadata"]["name"] == "gpu-worker-0")
        }
    }

    @Test func withoutAClientCertificateTheServerRefuses() async throws {
        try await withServer { pki, server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await fetch(.init(caPEM: try pki.text("ca.pem")), from: server)
            }
            // TLS 1.3 reports the missing certificate after the handshake, as an alert on the first read.
            #expect(error?.isTLSFailure == true || error?.isTransport == true)
        }
    }

    @Test func aServerFromAnotherCAIsNotTrusted() async throws {
        try await withServer { pki, server in
            let error = await #expect(throws: HTTPClientError.self) {
                try await fetch(
                    .init(
                        caPEM: try pki.text("other-ca.pem"), clientCertificatePEM: try pki.text("client.pem"),
                        clientKeyPEM: try pki.text("client.key")),
                    from: server)
            }
            #expect(error?.isTLSFailure == true)
        }
    }

    @Test func anUnusableKeyFailsWithoutShowingIt() async throws {
        let secret = "U0VDUkVUS0VZTUFURVJJQUxET05PVFBSSU5U"
        let badKey = "-----BEGIN PRIVATE KEY-----\n\(secret)\n-----END PRIVATE KEY-----\n"
        try await withServer { pki, server in
            let configuration = HTTPClient.Configuration(
                caPEM: try pki.text("ca.pem"), clientCertificatePEM: try pki.text("client.pem"), clientKeyPEM: badKey)
            let error = await #expect(throws: HTTPClientError.self) { try await fetch(configuration, from: server) }
            #expect(error?.isTLSFailure == true)
            #expect(error?.description.contains(secret) == false)
            #expect(!configuration.description.contains(secret))
            #expect(!String(reflecting: configuration).contains(secret))
        }
    }
}

@Suite("TLS identity settings of HTTPClient.Configuration")
struct TLSConfigurationTests {
    static let key = "-----BEGIN PRIVATE KEY-----\nS0VZLU1BVEVSSUFM\n-----END PRIVATE KEY-----\n"

    private func failure(_ configuration: HTTPClient.Configuration) async throws -> HTTPClientError {
        let port = ReservedPort()
        var configuration = configuration
        configuration.proxy = ""
        let client = HTTPClient(configuration: configuration)
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(port.port)/"))
        }
        return try #require(error)
    }

    @Test func contradictorySettingsAreRefusedBeforeConnecting() async throws {
        let keyOnly = try await failure(.init(clientKeyPEM: Self.key))
        #expect(keyOnly.isInvalidRequest)
        #expect(keyOnly.message.contains("without a client certificate"))
        let twoCertificates = try await failure(.init(clientCertificatePEM: "x", clientCertificateFile: "/x"))
        #expect(twoCertificates.isInvalidRequest)
        let twoKeys = try await failure(
            .init(clientCertificatePEM: "x", clientKeyPEM: Self.key, clientKeyFile: "/k"))
        #expect(twoKeys.isInvalidRequest)
        #expect(!twoKeys.description.contains("S0VZLU1BVEVSSUFM"))
    }

    @Test func theDescriptionShowsSettingsButNoKeyMaterial() {
        let configuration = HTTPClient.Configuration(
            proxy: "http://user:pass@proxy:3128", caPEM: "CA-PEM", clientCertificatePEM: "CERT-PEM",
            clientKeyPEM: Self.key, clientCertificateFile: nil, clientKeyFile: nil)
        let text = configuration.description
        #expect(text.contains("caPEM: <6 bytes>"))
        #expect(text.contains("clientCertificatePEM: <8 bytes>"))
        #expect(text.contains("clientKeyPEM: <redacted>"))
        #expect(text.contains("proxy: http://proxy:3128"))
        #expect(!text.contains("S0VZLU1BVEVSSUFM") && !text.contains("pass"))
        #expect(String(reflecting: configuration) == text)
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("S0VZLU1BVEVSSUFM"))
    }
}
