extension KubeError {
    /// The class of a ``KubeError``. New kinds may be added: switch with a `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case notFound
            case alreadyExists
            case conflict
            case invalid
            case unauthorized
            case forbidden
            case tooManyRequests
            case server
            case transport
            case decoding
            case configuration
            case aborted
        }

        private let code: Code

        private init(_ code: Code) {
            self.code = code
        }

        /// No such object or path (404).
        public static let notFound = Kind(.notFound)
        /// A create named an object that exists (409, reason `AlreadyExists`).
        public static let alreadyExists = Kind(.alreadyExists)
        /// The object changed since it was read (409): re-read, re-apply, retry.
        public static let conflict = Kind(.conflict)
        /// The server rejected the request as malformed or invalid (400, 422 and other 4xx): do not retry it
        /// unchanged. Also a request the client refuses to send (an update without a name, say).
        public static let invalid = Kind(.invalid)
        /// The credentials are missing, expired or wrong (401).
        public static let unauthorized = Kind(.unauthorized)
        /// The service account may not do this (403): check RBAC.
        public static let forbidden = Kind(.forbidden)
        /// Throttled (429): wait ``KubeError/retryAfter``.
        public static let tooManyRequests = Kind(.tooManyRequests)
        /// The server failed or timed out (5xx, or an unexpected status): retrying may help.
        public static let server = Kind(.server)
        /// No response: connection, TLS or timeout failure.
        public static let transport = Kind(.transport)
        /// A success response whose body is not the JSON expected.
        public static let decoding = Kind(.decoding)
        /// The client configuration (kubeconfig, in-cluster files, environment) is missing or unusable.
        public static let configuration = Kind(.configuration)
        /// ``ClusterClient/modify(_:attempts:_:)``'s `change` threw; ``KubeError/cause`` holds its error. Nothing
        /// was written.
        public static let aborted = Kind(.aborted)

        public var description: String {
            switch code {
            case .notFound: "notFound"
            case .alreadyExists: "alreadyExists"
            case .conflict: "conflict"
            case .invalid: "invalid"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .tooManyRequests: "tooManyRequests"
            case .server: "server"
            case .transport: "transport"
            case .decoding: "decoding"
            case .configuration: "configuration"
            case .aborted: "aborted"
            }
        }
    }
}

extension KubeError.Kind {
    /// The kind the API server means by an HTTP status and a `Status` reason (`AlreadyExists`, …); fakes use it
    /// to fail exactly as the real client reports.
    public init(status: Int, reason: String?) {
        self = KubeErrorMapping.kind(status: status, reason: reason)
    }
}
