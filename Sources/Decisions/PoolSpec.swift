/// One burst pool: its caps, pod template and scaling numbers.
public struct PoolSpec: Sendable, Equatable {
    public var id: PoolID
    /// Never more RunPod pods than this.
    public var maxReplicas: Int = 20
    /// Never more than this many USD per hour across the pool's pods; nil: no cap.
    public var maxCostPerHour: Double? = 15.0
    public var template = PodTemplate()
    public var scaling = ScalingSettings()

    public init(id: PoolID) {
        self.id = id
    }
}
