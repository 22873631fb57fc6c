/// A validated create request: what the pod is asked to be.
public struct PodSpec: Sendable, Equatable {
    /// The pod's name (not unique: RunPod allows duplicates).
    public var name: String
    /// Empty when the pod comes from a template (the emulator does not resolve templates).
    public var image: String = ""
    public var args: String = ""
    /// Container disk in GB.
    public var disk: Int = 50
    /// Environment variables; values may be secrets and are never logged.
    public var env: [String: String] = [:]
    /// `22/tcp`, `8888/http`.
    public var ports: [String] = []
    public var registry: String? = nil
    public var gpuTypeId: String
    public var gpuCount: Int = 1
    public var cloud: String = "SECURE"
    /// Requested data centers; the pod goes to the first.
    public var dataCenterIds: [String] = []
    public var networkVolume: NetworkVolumeMount? = nil
    public var persistentVolume: PersistentVolumeMount? = nil
    /// Accepted but not resolved: the emulator has no templates.
    public var templateId: String? = nil
    public var globalNetworking: Bool = false
    public var startSsh: Bool = false
    public var allowedCudaVersions: [String] = []
    public var minCudaVersion: String? = nil

    /// A one-GPU Secure Cloud pod with defaults for everything else.
    public init(name: String, gpuTypeId: String) {
        self.name = name
        self.gpuTypeId = gpuTypeId
    }
}
