import Foundation
import KubeClient
import Testing

@Suite("kubeconfig files become KubeConfig values")
struct KubeconfigTests {
    static let caPEM = "-----BEGIN CERTIFICATE-----\nQ0EgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
    static let certPEM = "-----BEGIN CERTIFICATE-----\nY2xpZW50IGNlcnQ=\n-----END CERTIFICATE-----\n"
    static let keyPEM = "-----BEGIN EC PRIVATE KEY-----\nU0VDUkVULUtFWS1NQVRFUklBTA==\n-----END EC PRIVATE KEY-----\n"

    private static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// A kubeconfig with two contexts: `prod` (current; token user, CA data, namespace media) and `dev`
    /// (client-certificate data user, CA file, no namespace).
    static let twoContexts = """
        apiVersion: v1
        kind: Config
        current-context: prod
        clusters:
        - name: prod-cluster
          cluster:
            server: https://prod.example:6443
            certificate-authority-data: \(base64(caPEM))
        - name: dev-cluster
          cluster:
            server: https://127.0.0.1:6443/
            certificate-authority: pki/ca.crt
            proxy-url: http://proxy.internal:3128
        contexts:
        - name: prod
          context: {cluster: prod-cluster, user: prod-user, namespace: media}
        - name: dev
          context:
            cluster: dev-cluster
            user: dev-user
        users:
        - name: prod-user
          user:
            token: \(testToken)
        - name: dev-user
          user:
            client-certificate-data: \(base64(certPEM))
            client-key-data: \(base64(keyPEM))
        """

    /// The configuration error `body` fails with.
    private func configurationError(_ body: () throws(KubeError) -> KubeConfig) throws -> KubeError {
        let error = #expect(throws: KubeError.self) { try body() }
        let caught = try #require(error)
        #expect(caught.kind == .configuration)
        return caught
    }

    @Test func currentContextWithTokenUserAndCAData() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", Self.twoContexts)
        try directory.write("pki/ca.crt", Self.caPEM)
        let config = try KubeConfig.kubeconfig(path: path)
        #expect(config.server == "https://prod.example:6443")
        #expect(config.token == testToken)
        #expect(config.tokenFile == nil)
        #expect(config.caPEM == Self.caPEM)
        #expect(config.namespace == "media")
        #expect(config.clientCertificatePEM == nil)
        #expect(config.proxy == nil)
        #expect(!config.description.contains(testToken))
    }

    @Test func explicitContextWithClientCertificateDataAndCAFile() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", Self.twoContexts)
        try directory.write("pki/ca.crt", Self.caPEM)
        let config = try KubeConfig.kubeconfig(path: path, context: "dev")
        #expect(config.server == "https://127.0.0.1:6443/")
        #expect(config.caPEM == Self.caPEM, "certificate-authority is read relative to the kubeconfig")
        #expect(config.clientCertificatePEM == Self.certPEM)
        #expect(config.clientKeyPEM == Self.keyPEM)
        #expect(config.token == nil)
        #expect(config.namespace == "default")
        #expect(config.proxy == "http://proxy.internal:3128")
        let description = config.description + String(reflecting: config)
        #expect(!description.contains("PRIVATE KEY") && !description.contains("U0VDUkVULUtFWS1NQVRFUklBTA"))
        #expect(description.contains("clientKeyPEM: <redacted>"))
    }

    @Test func clientCertificateAndTokenFilesResolveRelativePaths() throws {
        let directory = try TemporaryDirectory()
        try directory.write("kube/certs/client.crt", Self.certPEM)
        try directory.write("kube/certs/client.key", Self.keyPEM)
        try directory.write("kube/token", "  \(testToken)\n")
        try directory.write("ca.pem", Self.caPEM)
        let path = try directory.write(
            "kube/config",
            """
            current-context: c
            clusters:
            - {name: k, cluster: {server: "https://k:443", certificate-authority: \(directory.path)/ca.pem}}
            contexts:
            - {name: c, context: {cluster: k, user: u, namespace: gpu}}
            users:
            - name: u
              user:
                client-certificate: certs/client.crt
                client-key: certs/client.key
                tokenFile: token
            """)
        let config = try KubeConfig.kubeconfig(path: path)
        #expect(config.caPEM == Self.caPEM, "absolute paths stay as they are")
        #expect(config.clientCertificatePEM == Self.certPEM)
        #expect(config.clientKeyPEM == Self.keyPEM)
        #expect(config.tokenFile == directory.path + "/kube/token")
        #expect(config.token == testToken, "the file is read once now, to fail early")
        #expect(config.namespace == "gpu")
    }

    @Test func tokenFileSpelledWithADashIsAcceptedToo() throws {
        let directory = try TemporaryDirectory()
        try directory.write("t", testToken)
        let path = try directory.write(
            "config",
            """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://k"}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            users: [{name: u, user: {token-file: t}}]
            """)
        let config = try KubeConfig.kubeconfig(path: path)
        #expect(config.tokenFile == directory.path + "/t")
        #expect(config.caPEM == nil, "no CA given: the system's CAs are trusted")
    }

    @Test func missingContextIsAnErrorNamingIt() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", Self.twoContexts)
        let error = try configurationError { () throws(KubeError) in
            try KubeConfig.kubeconfig(path: path, context: "staging")
        }
        #expect(error.message.contains("\"staging\""))
        #expect(error.message.contains(path))
    }

    @Test func missingCurrentContextClusterAndUserAreNamed() throws {
        let directory = try TemporaryDirectory()
        let noCurrent = try directory.write(
            "a", "clusters: []\ncontexts: []\nusers: []\n")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: noCurrent) }
                .message.contains("current-context"))
        let noCluster = try directory.write(
            "b", "current-context: c\ncontexts: [{name: c, context: {cluster: gone, user: u}}]\n")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: noCluster) }
                .message.contains("cluster \"gone\""))
        let noUser = try directory.write(
            "c",
            "current-context: c\nclusters: [{name: k, cluster: {server: 'https://k'}}]\n"
                + "contexts: [{name: c, context: {cluster: k, user: ghost}}]\n")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: noUser) }
                .message.contains("user \"ghost\""))
        #expect(
            try configurationError { () throws(KubeError) in
                try KubeConfig.kubeconfig(path: directory.path + "/absent")
            }.message.contains("does not exist"))
    }

    @Test func execPluginIsClearlyUnsupported() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(
            "config",
            """
            current-context: eks
            clusters: [{name: k, cluster: {server: "https://eks.example"}}]
            contexts: [{name: eks, context: {cluster: k, user: aws}}]
            users:
            - name: aws
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: aws
                  args: [eks, get-token, --cluster-name, prod]
            """)
        let error = try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: path) }
        #expect(error.message.contains("exec credential plugin (aws)"))
        #expect(error.message.contains("not supported"))
    }

    @Test func otherUnsupportedSettingsSaySo() throws {
        let directory = try TemporaryDirectory()
        func config(cluster: String = "", user: String) throws -> String {
            try directory.write(
                UUID().uuidString,
                """
                current-context: c
                clusters: [{name: k, cluster: {server: "https://k"\(cluster)}}]
                contexts: [{name: c, context: {cluster: k, user: u}}]
                users: [{name: u, user: {\(user)}}]
                """)
        }
        let provider = try config(user: "auth-provider: {name: gcp}")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: provider) }
                .message.contains("auth-provider plugin \"gcp\""))
        let insecure = try config(cluster: ", insecure-skip-tls-verify: true", user: "token: x")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: insecure) }
                .message.contains("insecure-skip-tls-verify"))
        let basic = try config(user: "username: admin, password: hunter2")
        let basicError = try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: basic) }
        #expect(basicError.message.contains("basic authentication"))
        #expect(!basicError.message.contains("hunter2"))
        let keyOnly = try config(user: "client-key-data: \(Self.base64(Self.keyPEM))")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: keyOnly) }
                .message.contains("no client certificate"))
        let badBase64 = try config(user: "client-certificate-data: '!!!', client-key-data: '!!!'")
        #expect(
            try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: badBase64) }
                .message.contains("not base64"))
    }

    @Test func invalidYAMLGivesThePositionButNotTheText() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", "users:\n- name: u\n  user: {token: \(testToken)\n  : [\n")
        let error = try configurationError { () throws(KubeError) in try KubeConfig.kubeconfig(path: path) }
        #expect(error.message.contains("not valid YAML"))
        #expect(error.message.contains("line"))
        #expect(!error.description.contains(testToken))
    }
}
