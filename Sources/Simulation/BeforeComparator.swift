import Foundation

/// What the platform ran before: cloud spot GPUs sized by the same policy, no local baseline.
public struct BeforeComparator: Sendable, Equatable {
    public var label = "AWS g5.xlarge spot"
    public var dollarsPerHour = 0.50
    /// Spot interruptions per instance-hour.
    public var interruptionsPerHour = 0.05
    public var provisioningSeconds = Distribution.lognormal(mean: 90, p95: 180)

    public init() {}
}
