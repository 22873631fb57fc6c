/// Host-local persistent storage of a pod (`mounts.persistent`).
public struct PersistentVolumeMount: Sendable, Equatable {
    /// GB.
    public let size: Int
    public let path: String
}
