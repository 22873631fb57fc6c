/// What to create with ``RunPodClient/createPod(_:)``: a GPU pod from an image or a template.
///
/// ``env`` may hold secrets: ``description`` and the mirror used by `dump` leave its values out.
public struct CreatePodSpec: Sendable, Equatable {
    /// The pod name; the autoscaler finds its pods by name.
    public var name: String
    /// The container image; required unless ``templateId`` is set.
    public var image: String?
    /// A pod template to base the pod on.
    public var templateId: String?
    /// The exact GPU type id, e.g. `NVIDIA L40S` (case- and space-sensitive).
    public var gpuTypeId: String
    /// The number of GPUs.
    public var gpuCount: Int
    /// `SECURE` or `COMMUNITY`.
    public var cloud: String
    /// Preferred data centers; empty lets the scheduler choose.
    public var dataCenterIds: [String]
    /// A network volume to mount; it lives in one data center, so the pod is placed there.
    public var networkVolumeId: String?
    /// Where the network volume is mounted.
    public var networkVolumePath: String
    /// Environment variables. May hold secrets.
    public var env: [String: String]
    /// Exposed ports, e.g. `22/tcp`, `8888/http`.
    public var ports: [String]
    /// Whether the provisioner sets up SSH with the account's keys.
    public var startSsh: Bool

    /// Creates a spec.
    public init(
        name: String,
        image: String? = nil,
        templateId: String? = nil,
        gpuTypeId: String,
        gpuCount: Int = 1,
        cloud: String = "SECURE",
        dataCenterIds: [String] = [],
        networkVolumeId: String? = nil,
        networkVolumePath: String = "/workspace",
        env: [String: String] = [:],
        ports: [String] = [],
        startSsh: Bool = false
    ) {
        self.name = name
        self.image = image
        self.templateId = templateId
        self.gpuTypeId = gpuTypeId
        self.gpuCount = gpuCount
        self.cloud = cloud
        self.dataCenterIds = dataCenterIds
        self.networkVolumeId = networkVolumeId
        self.networkVolumePath = networkVolumePath
        self.env = env
        self.ports = ports
        self.startSsh = startSsh
    }
}
