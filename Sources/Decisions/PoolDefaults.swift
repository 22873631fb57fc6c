/// Pool template defaults from the platform's RUNPOD_* variables:
/// `RUNPOD_TEMPLATE_ID`, `RUNPOD_NETWORK_VOLUME_ID`, `RUNPOD_INSTANCE_TYPE`.
public struct PoolDefaults: Sendable, Equatable {
    public var templateId = ""
    public var networkVolumeId = ""
    public var gpuTypeId = ""

    public init(templateId: String = "", networkVolumeId: String = "", gpuTypeId: String = "") {
        self.templateId = templateId
        self.networkVolumeId = networkVolumeId
        self.gpuTypeId = gpuTypeId
    }
}
