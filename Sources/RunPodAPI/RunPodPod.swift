import Foundation

/// A pod as the RunPod REST v2 API reports it, reduced to what an autoscaler needs.
///
/// ``env`` may hold secrets (the service returns them in clear text): ``description`` and the mirror used by
/// `dump` leave it out.
public struct RunPodPod: Sendable, Equatable {
    /// The pod id, e.g. `7h9k2m4n6p`.
    public var id: String
    /// The name given at creation.
    public var name: String
    /// The lifecycle status.
    public var status: RunPodPodStatus
    /// The GPU type id, e.g. `NVIDIA L40S`; `nil` for CPU pods.
    public var gpuTypeId: String?
    /// The number of GPUs; 0 for CPU pods.
    public var gpuCount: Int
    /// `SECURE` or `COMMUNITY`.
    public var cloud: String?
    /// The data center the scheduler placed the pod in, e.g. `US-TX-3`.
    public var dataCenterId: String?
    /// The current cost in USD per hour (0 when exited or terminated).
    public var costPerHour: Double
    /// The container image.
    public var image: String?
    /// The environment. May hold secrets: never log it.
    public var env: [String: String]
    /// When the pod was created.
    public var createdAt: Date?
    /// When the pod last started.
    public var startedAt: Date?
    /// `ssh.direct`: the pod's public IP and the port mapped to its 22, while RUNNING with `22/tcp` exposed.
    public var sshDirect: RunPodSSHEndpoint?

    /// Creates a pod value (for fakes and tests; the client decodes them from the service).
    public init(
        id: String,
        name: String,
        status: RunPodPodStatus,
        gpuTypeId: String? = nil,
        gpuCount: Int = 0,
        cloud: String? = nil,
        dataCenterId: String? = nil,
        costPerHour: Double = 0,
        image: String? = nil,
        env: [String: String] = [:],
        createdAt: Date? = nil,
        startedAt: Date? = nil,
        sshDirect: RunPodSSHEndpoint? = nil
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.gpuTypeId = gpuTypeId
        self.gpuCount = gpuCount
        self.cloud = cloud
        self.dataCenterId = dataCenterId
        self.costPerHour = costPerHour
        self.image = image
        self.env = env
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.sshDirect = sshDirect
    }
}
