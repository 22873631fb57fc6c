/// A network volume attached to a pod (`mounts.network[0]`).
public struct NetworkVolumeMount: Sendable, Equatable {
    public let volumeId: String
    public let path: String
}
