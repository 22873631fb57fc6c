extension InMemoryCluster {
    /// A call of the cluster client interface, as recorded and as errors are injected for.
    public enum Verb: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case get
        case list
        case create
        case update
        case mergePatch
        case recordEvent
        case delete

        /// The HTTP method the real client sends for this verb (in error messages, as the real client's).
        var method: String {
            switch self {
            case .get, .list: "GET"
            case .create, .recordEvent: "POST"
            case .update: "PUT"
            case .mergePatch: "PATCH"
            case .delete: "DELETE"
            }
        }

        public var description: String { rawValue }
    }
}
