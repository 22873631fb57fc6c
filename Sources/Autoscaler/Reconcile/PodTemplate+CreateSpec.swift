import Decisions
import RunPodAPI

extension PodTemplate {
    /// The create request for one pod of this template on `offering`.
    func createSpec(name: String, offering: Offering) -> CreatePodSpec {
        CreatePodSpec(
            name: name,
            image: image.isEmpty ? nil : image,
            templateId: templateId.isEmpty ? nil : templateId,
            gpuTypeId: offering.gpuTypeId,
            gpuCount: gpuCount,
            cloud: offering.cloud.rawValue,
            dataCenterIds: dataCenterIds,
            networkVolumeId: networkVolumeId.isEmpty ? nil : networkVolumeId,
            env: env,
            ports: ports,
            startSsh: startSsh
        )
    }
}
