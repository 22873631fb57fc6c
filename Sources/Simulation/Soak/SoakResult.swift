/// One soak sequence's outcome: the first invariant it broke (if any), what
/// it injected, and the step trace when it was asked for.
public struct SoakResult: Sendable {
    public var seed: UInt64
    /// The first broken invariant, with the step and virtual time; nil: every check held.
    public var violation: String?
    /// One line per step and per RunPod call (empty unless the run was traced).
    public var trace: [String]
    /// Faults injected, per call.
    public var faults: [SoakCall: [SoakFault: Int]]
    /// RunPod's own failures: creates on a full or uncatalogued offering, terminates of pods already gone.
    public var noCapacityAnswers: Int
    public var notFoundAnswers: Int
    public var events: [SoakEvent: Int]
    /// Commands answered, per call.
    public var calls: [SoakCall: Int]
    /// The most pods of one pool at once, and the highest USD per hour, over the sequence.
    public var peakPods: Int
    public var peakDollarsPerHour: Double
    public var virtualSeconds: Double

    /// How to run this sequence again, with its trace.
    public var replay: String {
        "RPA_SOAK_SEED=\(seed) swift test --filter ReconcileSoakTests/replay"
    }
}
