/// The `CreatePodRequest` body: exactly the fields a ``CreatePodSpec`` sets, since the service rejects unknown
/// ones. `nil` fields are left out of the JSON.
struct CreatePodBody: Encodable {
    struct GPU: Encodable {
        let id: String
        let count: Int
    }

    struct NetworkMount: Encodable {
        let volumeId: String
        let path: String
    }

    struct Mounts: Encodable {
        let network: [NetworkMount]
    }

    let name: String
    let image: String?
    let templateId: String?
    let gpu: GPU
    let cloud: String
    let dataCenterIds: [String]?
    let mounts: Mounts?
    let env: [String: String]
    let ports: [String]
    let startSsh: Bool

    init(_ spec: CreatePodSpec) {
        name = spec.name
        image = spec.image
        templateId = spec.templateId
        gpu = GPU(id: spec.gpuTypeId, count: spec.gpuCount)
        cloud = spec.cloud
        dataCenterIds = spec.dataCenterIds.isEmpty ? nil : spec.dataCenterIds
        mounts = spec.networkVolumeId.map {
            Mounts(network: [NetworkMount(volumeId: $0, path: spec.networkVolumePath)])
        }
        env = spec.env
        ports = spec.ports
        startSsh = spec.startSsh
    }
}
