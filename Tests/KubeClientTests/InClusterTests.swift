import Foundation
import KubeClient
import Testing

@Suite("In-cluster configuration comes from the environment and the service-account files")
struct InClusterTests {
    static let environment = [
        "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOSTNAME": "rpa-5f7c-x2x9k",
    ]

    /// A service-account directory like the one mounted into pods.
    private func serviceAccount(namespace: String? = "platform") throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("token", testToken + "\n")
        try directory.write("ca.crt", KubeconfigTests.caPEM)
        if let namespace {
            try directory.write("namespace", namespace)
        }
        return directory
    }

    @Test func readsServerTokenCAAndNamespace() throws {
        let directory = try serviceAccount()
        let config = try KubeConfig.inCluster(environment: Self.environment, serviceAccountDirectory: directory.path)
        #expect(config.server == "https://10.96.0.1:443")
        #expect(config.token == testToken)
        #expect(config.tokenFile == directory.path + "/token")
        #expect(config.caPEM == KubeconfigTests.caPEM)
        #expect(config.namespace == "platform")
        #expect(config.reportingInstance == "rpa-5f7c-x2x9k")
        #expect(!config.description.contains(testToken))
        #expect(!String(reflecting: config).contains(testToken))
    }

    @Test func ipv6ServiceHostsAreBracketedAndNamespaceDefaults() throws {
        let directory = try serviceAccount(namespace: nil)
        var environment = Self.environment
        environment["KUBERNETES_SERVICE_HOST"] = "fd00:10:96::1"
        environment["POD_NAME"] = "rpa-pod"
        let config = try KubeConfig.inCluster(environment: environment, serviceAccountDirectory: directory.path)
        #expect(config.server == "https://[fd00:10:96::1]:443")
        #expect(config.namespace == "default")
        #expect(config.reportingInstance == "rpa-pod", "POD_NAME wins over HOSTNAME")
    }

    @Test func missingEnvironmentIsAConfigurationErrorNamingIt() throws {
        let directory = try serviceAccount()
        let error = #expect(throws: KubeError.self) {
            try KubeConfig.inCluster(
                environment: ["KUBERNETES_SERVICE_PORT": "443"], serviceAccountDirectory: directory.path)
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("KUBERNETES_SERVICE_HOST") == true)
        #expect(error?.message.contains("KUBERNETES_SERVICE_PORT") == false)
        let neither = #expect(throws: KubeError.self) {
            try KubeConfig.inCluster(environment: [:], serviceAccountDirectory: directory.path)
        }
        #expect(neither?.message.contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT") == true)
    }

    @Test func missingTokenOrCAIsAConfigurationErrorNamingTheFile() throws {
        let empty = try TemporaryDirectory()
        let noToken = #expect(throws: KubeError.self) {
            try KubeConfig.inCluster(environment: Self.environment, serviceAccountDirectory: empty.path)
        }
        #expect(noToken?.kind == .configuration)
        #expect(noToken?.message.contains(empty.path + "/token") == true)
        try empty.write("token", testToken)
        let noCA = #expect(throws: KubeError.self) {
            try KubeConfig.inCluster(environment: Self.environment, serviceAccountDirectory: empty.path)
        }
        #expect(noCA?.message.contains("ca.crt") == true)
        #expect(noCA?.description.contains(testToken) == false)
    }

    @Test func theTokenFileIsReReadOnEveryRequest() async throws {
        let directory = try serviceAccount()
        let config = try KubeConfig.inCluster(environment: Self.environment, serviceAccountDirectory: directory.path)
        try await withFakeAPI(
            always(.json(200, "{}")),
            configure: { test in
                test.token = config.token
                test.tokenFile = config.tokenFile
            }
        ) { client, fake in
            _ = try await client.get(.nodes.named("a"))
            try directory.write("token", "rotated-token-2\n")
            _ = try await client.get(.nodes.named("b"))
            try FileManager.default.removeItem(atPath: directory.path + "/token")
            _ = try await client.get(.nodes.named("c"))
            #expect(
                fake.requests.map { $0.headers["authorization"] } == [
                    "Bearer \(testToken)", "Bearer rotated-token-2", "Bearer rotated-token-2",
                ], "a vanished file keeps the last token read")
        }
    }
}
