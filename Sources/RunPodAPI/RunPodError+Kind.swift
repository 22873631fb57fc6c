extension RunPodError {
    /// The class of a ``RunPodError``. New kinds may be added: switch with a `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case noCapacity
            case rateLimited
            case unauthorized
            case forbidden
            case paymentRequired
            case notFound
            case conflict
            case invalidRequest
            case serverError
            case transport
            case decoding
        }

        private let code: Code

        private init(_ code: Code) {
            self.code = code
        }

        /// No machine has the requested GPU type free right now: try another candidate.
        public static let noCapacity = Kind(.noCapacity)
        /// Too many requests (429): wait ``RunPodError/retryAfter``.
        public static let rateLimited = Kind(.rateLimited)
        /// The API key is missing or wrong (401).
        public static let unauthorized = Kind(.unauthorized)
        /// The key may not do this (403).
        public static let forbidden = Kind(.forbidden)
        /// The account balance is too low (402): stop creating.
        public static let paymentRequired = Kind(.paymentRequired)
        /// No such pod or resource (404).
        public static let notFound = Kind(.notFound)
        /// Not valid in the resource's current state (409).
        public static let conflict = Kind(.conflict)
        /// The service rejected the request (400, 422, other 4xx): do not retry it unchanged.
        public static let invalidRequest = Kind(.invalidRequest)
        /// The service failed (5xx): retrying may help; a create may have succeeded anyway.
        public static let serverError = Kind(.serverError)
        /// No response: connection, TLS or timeout failure.
        public static let transport = Kind(.transport)
        /// A success response whose body could not be decoded.
        public static let decoding = Kind(.decoding)

        public var description: String {
            switch code {
            case .noCapacity: "noCapacity"
            case .rateLimited: "rateLimited"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .paymentRequired: "paymentRequired"
            case .notFound: "notFound"
            case .conflict: "conflict"
            case .invalidRequest: "invalidRequest"
            case .serverError: "serverError"
            case .transport: "transport"
            case .decoding: "decoding"
            }
        }
    }
}
