import Foundation

/// A RunPod pod of a pool as the last list showed it.
public struct ObservedPod: Sendable, Equatable {
    public var id: String
    public var name: String
    public var phase: PodPhase
    /// RunPod's own status text, for tables and metrics.
    public var status: String
    public var offering: Offering?
    /// USD per hour as RunPod reports it (0 while some statuses are pending).
    public var costPerHour: Double
    public var createdAt: Date?
    /// RunPod's `ssh.direct` (public IP and the port mapped to 22) while RUNNING with `22/tcp` exposed.
    public var sshAddress: SSHAddress?

    public init(
        id: String, name: String, phase: PodPhase, status: String, offering: Offering?, costPerHour: Double,
        createdAt: Date?, sshAddress: SSHAddress? = nil
    ) {
        self.id = id
        self.name = name
        self.phase = phase
        self.status = status
        self.offering = offering
        self.costPerHour = costPerHour
        self.createdAt = createdAt
        self.sshAddress = sshAddress
    }
}
