/// Where the API server is and how to authenticate to it: one value, built by ``inCluster(environment:serviceAccountDirectory:)``
/// or ``kubeconfig(path:context:)`` (or by hand), validated once.
///
/// ``description`` and `dump` show no token or private key.
public struct KubeConfig: Sendable {
    /// The API server's base URL, e.g. `https://10.96.0.1:443` (`http://` only for local test servers).
    public var server: String
    /// PEM text of the CA certificates the server's certificate must chain to; nil trusts the system's CAs.
    public var caPEM: String?
    /// The bearer token, sent as `Authorization: Bearer`; never printed.
    public var token: String?
    /// A file holding the bearer token, re-read on every request (projected service-account tokens rotate); the
    /// last value read wins over ``token``, which is used only while the file has never been readable.
    public var tokenFile: String?
    /// PEM text of the client certificate, for clusters that authenticate users by certificate.
    public var clientCertificatePEM: String?
    /// PEM text of the client certificate's private key; never printed.
    public var clientKeyPEM: String?
    /// The namespace to work in by default: the pod's own in-cluster, else the context's, else `default`.
    public var namespace: String
    /// The proxy URL; nil keeps libcurl's `https_proxy` / `no_proxy` handling, `""` connects directly.
    public var proxy: String?
    /// Who records events (`reportingInstance`): the pod name in-cluster; nil uses the host name.
    public var reportingInstance: String?

    /// Creates a configuration.
    public init(
        server: String,
        caPEM: String? = nil,
        token: String? = nil,
        tokenFile: String? = nil,
        clientCertificatePEM: String? = nil,
        clientKeyPEM: String? = nil,
        namespace: String = "default",
        proxy: String? = nil,
        reportingInstance: String? = nil
    ) {
        self.server = server
        self.caPEM = caPEM
        self.token = token
        self.tokenFile = tokenFile
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.namespace = namespace
        self.proxy = proxy
        self.reportingInstance = reportingInstance
    }

    /// The default service-account directory mounted into every pod.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"
}
