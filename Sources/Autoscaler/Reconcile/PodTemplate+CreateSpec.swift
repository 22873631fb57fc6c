import Decisions
import RunPodAPI

extension PodTemplate {
    /// The create request for one pod of this template on `offering`; with attach on, `env.PUBLIC_KEY` carries
    /// `publicKey` (RunPod images write it to `authorized_keys`).
    func createSpec(name: String, offering: Offering, publicKey: String? = nil) -> CreatePodSpec {
        var env = self.env
        if attach.ssh, let publicKey { env["PUBLIC_KEY"] = publicKey }
        return
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
