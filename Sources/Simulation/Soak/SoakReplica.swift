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
        // Hashed, not offset: SplitMix64 steps its state by a constant, so seeds
        // that differ by a multiple of it would replay each other's names.
        var mix = SplitMix64(seed: seed ^ (UInt64(index + 1) << 48) ^ UInt64(generation))
        machine = ReconcileMachine(settings: settings, random: SplitMix64(seed: mix.next()))
        self.generation = generation
        poolsKnown = false
    }
}
