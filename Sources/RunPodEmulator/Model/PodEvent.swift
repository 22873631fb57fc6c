import Foundation

/// A pod status change, for the log.
struct PodEvent: Sendable, Equatable {
    let podId: String
    let name: String
    let status: EmulatedPodStatus
    let at: Date
}
