/// What every RunPod pod of a pool is created with.
public struct PodTemplate: Sendable, Equatable {
    /// Container image; empty when `templateId` is used.
    public var image: String = ""
    /// RunPod template id (default `$RUNPOD_TEMPLATE_ID`).
    public var templateId: String = ""
    /// GPU types, tried in order (default first: `$RUNPOD_INSTANCE_TYPE`).
    public var gpuTypeIds: [String] = ["NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"]
    public var gpuCount: Int = 1
    /// Clouds, tried in order for each GPU type.
    public var clouds: [Cloud] = [.secure, .community]
    public var dataCenterIds: [String] = []
    /// Network volume mounted at /workspace (default `$RUNPOD_NETWORK_VOLUME_ID`).
    public var networkVolumeId: String = ""
    /// Environment of the pods. Values may be secrets: never logged.
    public var env: [String: String] = [:]
    public var ports: [String] = ["22/tcp"]
    public var startSsh: Bool = true
    /// SSH tunnels and Node objects per pod (`template.attach`); off by default.
    public var attach = AttachSpec()

    public init() {}
}
