import Foundation
import KubeClient
import Testing

@Suite("A bearer token goes over plain http only to loopback")
struct PlainHTTPTests {
    /// A kubeconfig whose one cluster is `server`, with a token user (`token` or `tokenFile`) or a certificate user.
    static func kubeconfig(server: String, user: String) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: lab
        clusters:
        - name: lab-cluster
          cluster: {server: "\(server)"}
        contexts:
        - name: lab
          context: {cluster: lab-cluster, user: lab-user}
        users:
        - name: lab-user
          user: \(user)
        """
    }

    static let tokenUser = "{token: \(testToken)}"

    @Test(arguments: [
        "http://10.0.0.1:8080", "http://kube.internal", "HTTP://KUBE.INTERNAL:6443", "http://127.0.0.1.nip.io:8080",
        "http://localhost@kube.internal:8080", "http://0.0.0.0:8080",
    ])
    func aTokenToAnotherMachineOverPlainHTTPIsRefused(_ server: String) throws {
        let directory = try TemporaryDirectory()
        for user in [Self.tokenUser, "{tokenFile: token}"] {
            try directory.write("token", testToken + "\n")
            let path = try directory.write("config", Self.kubeconfig(server: server, user: user))
            let error = #expect(throws: KubeError.self) { try KubeConfig.kubeconfig(path: path) }
            let caught = try #require(error)
            #expect(caught.kind == .configuration)
            let text = caught.description
            #expect(
                text.contains("cluster \"lab-cluster\"") && text.contains("bearer token of user \"lab-user\""),
                "\(text)")
            #expect(text.contains("clear text") && text.contains("loopback"), "\(text)")
            #expect(!text.contains(testToken))
        }
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:6443/", "http://[::1]:8080", "https://kube.internal"])
    func loopbackAndHTTPSAreFine(_ server: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", Self.kubeconfig(server: server, user: Self.tokenUser))
        let config = try KubeConfig.kubeconfig(path: path)
        #expect(config.server == server && config.token == testToken)
    }

    @Test func noTokenNoObjection() throws {
        // A user without a token sends no bearer token: nothing secret would travel.
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", Self.kubeconfig(server: "http://kube.internal:8080", user: "{}"))
        #expect(try KubeConfig.kubeconfig(path: path).token == nil)
    }

    @Test func inClusterIsAlwaysHTTPS() throws {
        let directory = try TemporaryDirectory()
        try directory.write("token", testToken)
        try directory.write("ca.crt", "-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n")
        let config = try KubeConfig.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory.path)
        #expect(config.server == "https://10.96.0.1:443")
    }

    @Test func aHandMadeConfigIsStoppedBeforeTheWire() async throws {
        // Not from a kubeconfig: the HTTP client itself refuses, and says nothing of the token.
        let client = KubeClient(config: KubeConfig(server: "http://kube.invalid:8080", token: testToken, proxy: ""))
        defer { client.shutdown() }
        let error = await #expect(throws: KubeError.self) { try await client.list(.runPodPools(namespace: nil)) }
        let caught = try #require(error)
        #expect(caught.description.contains("refusing to send credentials"), "\(caught)")
        #expect(!caught.description.contains(testToken))
    }
}
