import CurlHTTP
import Foundation
import Yams

/// A parsed kubeconfig file and the rules for turning one of its contexts into a ``KubeConfig``. Error messages
/// name files, contexts and fields, never the values of secrets.
struct KubeconfigDocument {
    private let path: String
    private let directory: String
    private let root: Node

    init(yaml: String, path: String) throws(KubeError) {
        self.path = path
        directory = (path as NSString).deletingLastPathComponent
        let parsed: Node?
        do {
            parsed = try Yams.compose(yaml: yaml)
        } catch {
            // Yams' own description quotes the document, which may hold a token: keep only the position.
            throw KubeError(
                kind: .configuration, message: "the kubeconfig \(path) is not valid YAML\(Self.position(of: error))")
        }
        guard let parsed, parsed.mapping != nil else {
            throw KubeError(kind: .configuration, message: "the kubeconfig \(path) is not a YAML mapping")
        }
        root = parsed
    }

    /// The configuration for `requested`, or the current context when nil.
    func config(context requested: String?) throws(KubeError) -> KubeConfig {
        let contextName: String
        if let requested, !requested.isEmpty {
            contextName = requested
        } else if let current = root["current-context"]?.string, !current.isEmpty {
            contextName = current
        } else {
            throw failure("sets no current-context: name the context to use")
        }
        guard let context = entry(in: "contexts", named: contextName, field: "context") else {
            throw failure("has no context \"\(contextName)\"")
        }
        guard let clusterName = context["cluster"]?.string, !clusterName.isEmpty else {
            throw failure("context \"\(contextName)\" names no cluster")
        }
        guard let cluster = entry(in: "clusters", named: clusterName, field: "cluster") else {
            throw failure("has no cluster \"\(clusterName)\" (used by context \"\(contextName)\")")
        }
        var config = try clusterConfig(cluster, name: clusterName)
        if let namespace = context["namespace"]?.string, !namespace.isEmpty {
            config.namespace = namespace
        }
        if let userName = context["user"]?.string, !userName.isEmpty {
            guard let user = entry(in: "users", named: userName, field: "user") else {
                throw failure("has no user \"\(userName)\" (used by context \"\(contextName)\")")
            }
            try applyUser(user, name: userName, to: &config)
            if config.token != nil || config.tokenFile != nil,
                let reason = CleartextPolicy.refusal(
                    for: config.server, credential: "the bearer token of user \"\(userName)\"")
            {
                throw failure("cluster \"\(clusterName)\" (used by context \"\(contextName)\"): \(reason)")
            }
        }
        return config
    }

    private func clusterConfig(_ cluster: Node, name: String) throws(KubeError) -> KubeConfig {
        let field = "cluster \"\(name)\""
        guard let server = cluster["server"]?.string, !server.isEmpty else {
            throw failure("\(field) has no server")
        }
        // Schemes are case-insensitive (RFC 3986): HTTP:// is plain http and meets the token check below.
        guard server.lowercased().hasPrefix("https://") || server.lowercased().hasPrefix("http://") else {
            throw failure("\(field) has a server that is not an https:// URL")
        }
        if cluster["insecure-skip-tls-verify"]?.bool == true {
            throw failure(
                "\(field) sets insecure-skip-tls-verify, which is not supported: server certificates are always "
                    + "verified; give certificate-authority-data or certificate-authority instead")
        }
        if let serverName = cluster["tls-server-name"]?.string, !serverName.isEmpty {
            throw failure("\(field) sets tls-server-name, which is not supported")
        }
        var config = KubeConfig(server: server)
        config.caPEM = try pem(
            data: cluster["certificate-authority-data"], file: cluster["certificate-authority"],
            field: "\(field) certificate-authority")
        if let proxy = cluster["proxy-url"]?.string, !proxy.isEmpty {
            config.proxy = proxy
        }
        return config
    }

    private func applyUser(_ user: Node, name: String, to config: inout KubeConfig) throws(KubeError) {
        let field = "user \"\(name)\""
        if let exec = user["exec"], exec.mapping != nil {
            let command = exec["command"]?.string.map { " (\($0))" } ?? ""
            throw failure(
                "\(field) uses an exec credential plugin\(command), which is not supported: give the user a token, "
                    + "a token file or a client certificate, or run in the cluster with a service account")
        }
        if let provider = user["auth-provider"], provider.mapping != nil {
            let providerName = provider["name"]?.string.map { " \"\($0)\"" } ?? ""
            throw failure(
                "\(field) uses the auth-provider plugin\(providerName), which is not supported: give the user a "
                    + "token, a token file or a client certificate")
        }
        if user["username"] != nil || user["password"] != nil {
            throw failure("\(field) uses basic authentication, which is not supported")
        }
        if user["as"] != nil || user["as-groups"] != nil || user["as-uid"] != nil || user["as-user-extra"] != nil {
            throw failure("\(field) uses impersonation, which is not supported")
        }
        if let token = user["token"]?.string, !token.isEmpty {
            config.token = token
        }
        if let file = (user["tokenFile"] ?? user["token-file"])?.string, !file.isEmpty {
            let resolved = ConfigFile.resolve(file, against: directory)
            let token = try ConfigFile.readTrimmed(resolved, what: "\(field) token")
            config.tokenFile = resolved
            config.token = config.token ?? token
        }
        config.clientCertificatePEM = try pem(
            data: user["client-certificate-data"], file: user["client-certificate"],
            field: "\(field) client-certificate")
        config.clientKeyPEM = try pem(
            data: user["client-key-data"], file: user["client-key"], field: "\(field) client-key")
        if config.clientKeyPEM != nil, config.clientCertificatePEM == nil {
            throw failure("\(field) has a client key but no client certificate")
        }
        if config.clientCertificatePEM != nil, config.clientKeyPEM == nil {
            throw failure("\(field) has a client certificate but no client key")
        }
    }

    /// PEM text from a base64 `-data` field, else from a file (relative to the kubeconfig); the data wins, as in
    /// kubectl.
    private func pem(data: Node?, file: Node?, field: String) throws(KubeError) -> String? {
        if let encoded = data?.string, !encoded.isEmpty {
            guard let bytes = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters),
                let text = String(data: bytes, encoding: .utf8), !text.isEmpty
            else {
                throw failure("\(field)-data is not base64-encoded PEM")
            }
            return text
        }
        if let path = file?.string, !path.isEmpty {
            return try ConfigFile.read(ConfigFile.resolve(path, against: directory), what: field)
        }
        return nil
    }

    /// The `field` mapping of the entry called `name` in the list `list` (`clusters`, `contexts`, `users`).
    private func entry(in list: String, named name: String, field: String) -> Node? {
        guard let entries = root[list]?.sequence else { return nil }
        for entry in entries where entry["name"]?.string == name {
            return entry[field] ?? Node.mapping(Node.Mapping([]))
        }
        return nil
    }

    private func failure(_ text: String) -> KubeError {
        KubeError(kind: .configuration, message: "the kubeconfig \(path) \(text)")
    }

    /// " at line L, column C: problem" from a Yams error, without the document text it carries.
    private static func position(of error: any Error) -> String {
        guard let error = error as? YamlError else { return "" }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return " (line \(mark.line), column \(mark.column): \(problem))"
        default:
            return ""
        }
    }
}
