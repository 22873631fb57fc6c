import Decisions
import Foundation

/// The reconcile machine's fault soak on virtual time: seeded random
/// sequences of RunPod faults, restarts, leadership changes, catalog changes
/// and demand jumps against `SoakRunPod`, with the caps, the no-duplicate
/// rules and convergence checked after every call (docs/RELIABILITY.md).
/// Pure and deterministic: a seed gives the same sequence, so a failing seed
/// replays with its trace.
public enum ReconcileSoak {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)
    static let naming = PodNaming(prefix: "rpa")

    public struct Options: Sendable {
        /// Steps of faults before the calm that convergence is checked in.
        public var chaosSteps = 250
        /// Record one line per step and per call (slower: for replays).
        public var trace = false
        /// A deliberate executor bug, to show the checks catch one.
        public var mutation: Mutation?

        public init() {}
    }

    /// Executor bugs the soak can be run with.
    public enum Mutation: Sendable {
        /// Every failed terminate (but 404) is fed back as `terminated`.
        case terminateFailuresReportedAsSuccess
    }

    /// Runs one sequence.
    public static func run(seed: UInt64, options: Options = Options()) -> SoakResult {
        var run = SoakRun(seed: seed, options: options)
        return run.run()
    }
}
