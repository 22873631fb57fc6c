import KubeClient

extension InMemoryCluster {
    /// One call the cluster received, failed ones included: the verb, the path (for ``Verb/recordEvent``, the
    /// events collection of the namespace the event goes to) and, for a list, its selectors.
    public struct Call: Sendable, Equatable, CustomStringConvertible {
        public var verb: Verb
        public var path: ResourcePath
        public var labelSelector: String?
        public var fieldSelector: String?

        /// Creates a call, to compare with ``InMemoryCluster/calls``.
        public init(_ verb: Verb, _ path: ResourcePath, labelSelector: String? = nil, fieldSelector: String? = nil) {
            self.verb = verb
            self.path = path
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
        }

        public var description: String {
            var text = "\(verb) \(path.path)"
            if let labelSelector { text += " labelSelector=\(labelSelector)" }
            if let fieldSelector { text += " fieldSelector=\(fieldSelector)" }
            return text
        }
    }
}
