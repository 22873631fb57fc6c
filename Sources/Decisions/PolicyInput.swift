import Foundation

/// What the policy decides from, for one pool at one instant.
public struct PolicyInput: Sendable, Equatable {
    public var demand: DemandReading
    public var local: LocalCapacity
    /// Workers serving the queue now (local and RunPod); used while the
    /// latency SLO is breached to ask for one more.
    public var servingWorkers: Int
    /// Price of one pod of the pool's first offering, USD/h, when known.
    public var podPricePerHour: Double?
    public var now: Date

    public init(
        demand: DemandReading, local: LocalCapacity, servingWorkers: Int, podPricePerHour: Double? = nil, now: Date
    ) {
        self.demand = demand
        self.local = local
        self.servingWorkers = servingWorkers
        self.podPricePerHour = podPricePerHour
        self.now = now
    }
}
