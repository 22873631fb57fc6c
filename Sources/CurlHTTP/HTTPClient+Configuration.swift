extension HTTPClient {
    /// Limits and transport settings shared by every request of one client.
    public struct Configuration: Sendable {
        /// The time allowed to establish a connection (TCP, and TLS for `https`).
        public var connectTimeout: Duration
        /// The total time allowed for a request unless ``HTTPRequest/timeout`` says otherwise.
        public var timeout: Duration
        /// The largest response body accepted; a larger one fails with ``HTTPClientError/isTooLarge``.
        public var maxResponseBytes: Int
        /// How many transfers run at once, each on its own worker thread; more requests wait their turn.
        public var maxConcurrentTransfers: Int
        /// The `User-Agent` header value.
        public var userAgent: String
        /// The proxy URL, e.g. `http://proxy:3128`. `nil` keeps libcurl's own `http_proxy`, `https_proxy` and
        /// `no_proxy` handling; an empty string disables proxies altogether.
        public var proxy: String?
        /// A PEM bundle of CA certificates to verify servers with, instead of the system store.
        public var caFile: String?
        /// PEM text of the CA certificates to verify servers with: only these are trusted (the system store and
        /// ``caFile`` are not consulted). Sent to libcurl as `CURLOPT_CAINFO_BLOB`.
        public var caPEM: String?
        /// PEM text of the client certificate (and any intermediates) to present to servers that ask for one.
        /// Exclusive with ``clientCertificateFile``.
        public var clientCertificatePEM: String?
        /// PEM text of the client certificate's private key. Never shown by ``description`` or in an error.
        /// Exclusive with ``clientKeyFile``; needs a client certificate.
        public var clientKeyPEM: String?
        /// Path of a PEM file with the client certificate. Exclusive with ``clientCertificatePEM``.
        public var clientCertificateFile: String?
        /// Path of a PEM file with the client certificate's private key. Exclusive with ``clientKeyPEM``; when
        /// neither is set the key is looked for in the certificate's own PEM.
        public var clientKeyFile: String?

        /// Creates a configuration.
        public init(
            connectTimeout: Duration = .seconds(5),
            timeout: Duration = .seconds(15),
            maxResponseBytes: Int = 8 << 20,
            maxConcurrentTransfers: Int = 4,
            userAgent: String = "runpod-autoscaler",
            proxy: String? = nil,
            caFile: String? = nil,
            caPEM: String? = nil,
            clientCertificatePEM: String? = nil,
            clientKeyPEM: String? = nil,
            clientCertificateFile: String? = nil,
            clientKeyFile: String? = nil
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseBytes = maxResponseBytes
            self.maxConcurrentTransfers = maxConcurrentTransfers
            self.userAgent = userAgent
            self.proxy = proxy
            self.caFile = caFile
            self.caPEM = caPEM
            self.clientCertificatePEM = clientCertificatePEM
            self.clientKeyPEM = clientKeyPEM
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyFile = clientKeyFile
        }
    }
}
