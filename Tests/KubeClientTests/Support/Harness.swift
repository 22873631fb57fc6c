import Foundation
import KubeClient
import TestSupport

/// The bearer token every test uses; no error or description may contain it.
let testToken = "kube-TESTTOKEN-7f3a9c1e5b2d"

/// Runs `body` with a client (token `testToken`, namespace `media`, no proxy) talking to a fake API server that
/// answers with `answer`.
func withFakeAPI(
    _ answer: @escaping @Sendable (RecordedRequest, Int) -> CannedResponse,
    configure: (inout KubeConfig) -> Void = { _ in },
    _ body: (KubeClient, RecordingHTTPServer) async throws -> Void
) async throws {
    let fake = RecordingHTTPServer(answer: answer)
    try await TestServer.with(fake.handler) { server in
        var config = KubeConfig(server: server.baseURL, token: testToken, namespace: "media", proxy: "")
        configure(&config)
        let client = KubeClient(config: config, timeout: .seconds(10))
        defer { client.shutdown() }
        try await body(client, fake)
    }
}

/// The same answer to every request.
func always(_ response: CannedResponse) -> @Sendable (RecordedRequest, Int) -> CannedResponse {
    { _, _ in response }
}

/// A RunPodPool as the API server returns it.
func runPodPool(name: String = "burst", resourceVersion: String = "100", replicas: Int = 2) -> String {
    """
    {"apiVersion":"gpuburst.io/v1alpha1","kind":"RunPodPool",
     "metadata":{"name":"\(name)","namespace":"media","uid":"0b6d-uid","resourceVersion":"\(resourceVersion)",
                 "generation":3},
     "spec":{"replicas":\(replicas),"maxReplicas":20},"status":{"replicas":1}}
    """
}
