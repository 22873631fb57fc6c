/// A GPU type without capacity between two times of the trace.
public struct NoCapacityWindow: Sendable, Equatable {
    public var gpuTypeId: String
    public var fromSeconds: Double
    public var toSeconds: Double

    public init(gpuTypeId: String, fromSeconds: Double, toSeconds: Double) {
        self.gpuTypeId = gpuTypeId
        self.fromSeconds = fromSeconds
        self.toSeconds = toSeconds
    }
}
