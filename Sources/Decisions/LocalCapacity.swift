/// The local A100 baseline: allocatable GPUs on healthy local nodes and how
/// many of them other workloads hold.
public struct LocalCapacity: Sendable, Equatable {
    public var gpus: Int
    public var usedByOthers: Int

    public init(gpus: Int, usedByOthers: Int) {
        self.gpus = gpus
        self.usedByOthers = usedByOthers
    }

    /// GPUs this queue's workers can use before bursting to RunPod.
    public var available: Int { max(0, gpus - usedByOthers) }
}
