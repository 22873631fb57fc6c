extension KubeConfig {
    /// The configuration of a pod talking to its own cluster: `KUBERNETES_SERVICE_HOST` and
    /// `KUBERNETES_SERVICE_PORT` from `environment`, and under `serviceAccountDirectory` the service-account
    /// `token` (re-read from disk on every request: bound tokens rotate), the cluster CA `ca.crt` and the pod's
    /// `namespace` (`default` when that file is missing). ``reportingInstance`` is `POD_NAME` or `HOSTNAME` from
    /// `environment`, when set.
    ///
    /// Throws ``KubeError/Kind/configuration`` naming the missing variable or file.
    public static func inCluster(
        environment: [String: String],
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubeError) -> KubeConfig {
        let missing = ["KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"].filter {
            (environment[$0] ?? "").isEmpty
        }
        guard missing.isEmpty, let host = environment["KUBERNETES_SERVICE_HOST"],
            let port = environment["KUBERNETES_SERVICE_PORT"]
        else {
            throw KubeError(
                kind: .configuration,
                message: "not running inside a Kubernetes pod: \(missing.joined(separator: " and ")) not set")
        }
        guard !port.isEmpty, port.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            throw KubeError(kind: .configuration, message: "KUBERNETES_SERVICE_PORT is not a port number")
        }
        // An IPv6 service address needs brackets in a URL.
        let authority = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let tokenFile = ConfigFile.resolve("token", against: serviceAccountDirectory)
        let token = try ConfigFile.readTrimmed(tokenFile, what: "the service-account token")
        let caPEM = try ConfigFile.read(
            ConfigFile.resolve("ca.crt", against: serviceAccountDirectory), what: "the cluster CA certificate")
        let namespaceFile = ConfigFile.resolve("namespace", against: serviceAccountDirectory)
        let namespace = (try? ConfigFile.readTrimmed(namespaceFile, what: "the pod namespace")) ?? "default"
        let instance = [environment["POD_NAME"], environment["HOSTNAME"]].compactMap { $0 }.first { !$0.isEmpty }
        return KubeConfig(
            server: "https://\(authority)", caPEM: caPEM, token: token, tokenFile: tokenFile, namespace: namespace,
            reportingInstance: instance)
    }
}
