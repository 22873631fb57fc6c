extension ResourcePath {
    /// Nodes (core/v1, cluster-scoped).
    public static let nodes = ResourcePath(plural: "nodes")

    /// Pods (core/v1) in `namespace`, or in all namespaces when nil.
    public static func pods(namespace: String?) -> ResourcePath {
        ResourcePath(plural: "pods", namespace: namespace)
    }

    /// Events (core/v1) in `namespace`, or in all namespaces when nil.
    public static func events(namespace: String?) -> ResourcePath {
        ResourcePath(plural: "events", namespace: namespace)
    }

    /// Leases (coordination.k8s.io/v1) in `namespace`, or in all namespaces when nil.
    public static func leases(namespace: String?) -> ResourcePath {
        ResourcePath(group: "coordination.k8s.io", version: "v1", plural: "leases", namespace: namespace)
    }

    /// RunPodPools (gpuburst.io/v1alpha1) in `namespace`, or in all namespaces when nil.
    public static func runPodPools(namespace: String?) -> ResourcePath {
        ResourcePath(group: "gpuburst.io", version: "v1alpha1", plural: "runpodpools", namespace: namespace)
    }
}
