/// The real cluster: every call goes to the API server.
extension KubeClient: ClusterClient {}
