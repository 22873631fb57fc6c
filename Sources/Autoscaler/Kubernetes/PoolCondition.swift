import Foundation

/// One entry of a RunPodPool's `status.conditions`.
public struct PoolCondition: Sendable, Equatable {
    public var type: String
    /// "True", "False" or "Unknown".
    public var status: String
    public var reason: String
    public var message: String
    public var lastTransitionTime: Date
}
