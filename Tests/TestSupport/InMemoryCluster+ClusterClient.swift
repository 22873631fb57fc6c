import KubeClient

/// The in-memory cluster stands in for the API server wherever the autoscaler takes a ``ClusterClient``.
extension InMemoryCluster: ClusterClient {}
