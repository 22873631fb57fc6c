import Foundation

/// A pod the emulator holds, with its status as of the last time the emulator looked at the clock.
public struct EmulatedPod: Sendable, Equatable {
    /// 14 characters of `[a-z0-9]`, from the seeded generator.
    public let id: String
    /// What was asked for at create.
    public let spec: PodSpec
    /// The status as of the last time the emulator read its clock.
    public internal(set) var status: EmulatedPodStatus
    /// When `status` began.
    public internal(set) var statusSince: Date
    /// The first of the requested `dataCenterIds`, else `US-KS-2`.
    public let dataCenterId: String
    /// The newest CUDA version the GPU's hosts offer that the request accepts.
    public let cudaVersion: String
    /// USD per hour while billed: the GPU price on the pod's cloud × the GPU count.
    public let pricePerHour: Double
    public let createdAt: Date
    /// When the pod last reached RUNNING.
    public internal(set) var startedAt: Date?

    public var name: String { spec.name }
    /// The GPU type id, e.g. `NVIDIA L40S`.
    public var gpuTypeId: String { spec.gpuTypeId }
    public var gpuCount: Int { spec.gpuCount }
    /// `SECURE` or `COMMUNITY`.
    public var cloud: String { spec.cloud }
    /// What the pod costs now: its price, or 0 when EXITED or TERMINATED.
    public var costPerHour: Double { status.isBilled ? pricePerHour : 0 }
}
