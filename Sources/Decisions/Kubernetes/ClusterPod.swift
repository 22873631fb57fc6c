/// What local occupancy needs of a Pod.
public struct ClusterPod: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var nodeName: String?
    /// `status.phase`: Pending, Running, Succeeded, Failed, Unknown.
    public var phase: String
    public var labels: [String: String]
    /// The pod's `nvidia.com/gpu` requests (limits where no request is set),
    /// summed over its containers, or the largest init container's if higher.
    public var gpus: Int

    public init(namespace: String, name: String, nodeName: String?, phase: String, labels: [String: String], gpus: Int)
    {
        self.namespace = namespace
        self.name = name
        self.nodeName = nodeName
        self.phase = phase
        self.labels = labels
        self.gpus = gpus
    }

    /// Succeeded and Failed pods hold no GPU.
    public var isTerminal: Bool { phase == "Succeeded" || phase == "Failed" }
}
