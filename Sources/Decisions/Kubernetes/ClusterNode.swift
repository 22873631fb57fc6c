/// What local occupancy needs of a Node.
public struct ClusterNode: Sendable, Equatable {
    public var name: String
    /// The Ready condition is True.
    public var ready: Bool
    /// `spec.unschedulable` (cordoned).
    public var unschedulable: Bool
    /// `status.allocatable["nvidia.com/gpu"]`.
    public var allocatableGPUs: Int

    public init(name: String, ready: Bool, unschedulable: Bool, allocatableGPUs: Int) {
        self.name = name
        self.ready = ready
        self.unschedulable = unschedulable
        self.allocatableGPUs = allocatableGPUs
    }
}
