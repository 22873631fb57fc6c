import Foundation

/// What the drain executor does next.
public enum DrainStep: Sendable, Equatable {
    /// List every pod of the account (answer: `listed` or `listFailed`).
    case list
    /// Terminate one pod (answer: `terminated` or `terminateFailed`).
    case terminate(podId: String)
    /// Nothing is due before this moment: sleep, then ask again with `resume`.
    case wait(until: Date)
    /// The drain is over.
    case finished(DrainOutcome)
}
