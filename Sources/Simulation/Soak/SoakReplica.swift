import Decisions
import Primitives

/// One autoscaler process in the soak: its reconcile machine (the memory a
/// restart loses) and how many times it has started.
struct SoakReplica: Sendable {
    var machine: ReconcileMachine
    var generation: Int
    /// Kubernetes mode: false until the first pass after a start, as the cluster is read.
    var poolsKnown: Bool

    /// A freshly started process; each start draws names from its own stream, as a real process would.
    init(index: Int, generation: Int, seed: UInt64) {
        let settings = ReconcileMachine.Settings(naming: ReconcileSoak.naming)
        let stream = seed ^ (UInt64(index + 1) << 56) ^ (UInt64(generation) &* 0x9E37_79B9_7F4A_7C15)
        machine = ReconcileMachine(settings: settings, random: SplitMix64(seed: stream))
        self.generation = generation
        poolsKnown = false
    }
}
