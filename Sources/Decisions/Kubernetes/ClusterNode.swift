/// What local occupancy needs of a Node.
public struct ClusterNode: Sendable, Equatable {
    public var name: String
    /// The Ready condition is True.
    public var ready: Bool
    /// `spec.unschedulable` (cordoned).
    public var unschedulable: Bool
    /// `status.allocatable["nvidia.com/gpu"]`.
    public var allocatableGPUs: Int
    /// A node standing for a RunPod pod (`gpu-type=runpod`, written by attach): never local capacity.
    public var isRunPod: Bool

    public init(name: String, ready: Bool, unschedulable: Bool, allocatableGPUs: Int, isRunPod: Bool = false) {
        self.name = name
        self.ready = ready
        self.unschedulable = unschedulable
        self.allocatableGPUs = allocatableGPUs
        self.isRunPod = isRunPod
    }
}
