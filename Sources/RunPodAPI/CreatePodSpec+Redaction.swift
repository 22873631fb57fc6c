extension CreatePodSpec: CustomStringConvertible, CustomReflectable {
    /// Everything but the values of ``env``, which may hold secrets.
    public var description: String {
        var parts = ["name: \(name)"]
        if let image {
            parts.append("image: \(image)")
        }
        if let templateId {
            parts.append("templateId: \(templateId)")
        }
        parts.append("gpu: \(gpuCount) x \(gpuTypeId)")
        parts.append("cloud: \(cloud)")
        if !dataCenterIds.isEmpty {
            parts.append("dataCenterIds: \(dataCenterIds.joined(separator: ","))")
        }
        if let networkVolumeId {
            parts.append("networkVolume: \(networkVolumeId) at \(networkVolumePath)")
        }
        parts.append("ports: \(ports.joined(separator: ","))")
        parts.append("startSsh: \(startSsh)")
        parts.append("env: \(env.count) values redacted")
        return "CreatePodSpec(\(parts.joined(separator: ", ")))"
    }

    /// The fields for `dump` and debuggers, with ``env`` reduced to its size.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name, "image": image as Any, "templateId": templateId as Any, "gpuTypeId": gpuTypeId,
                "gpuCount": gpuCount, "cloud": cloud, "dataCenterIds": dataCenterIds,
                "networkVolumeId": networkVolumeId as Any, "networkVolumePath": networkVolumePath,
                "env": "\(env.count) values redacted", "ports": ports, "startSsh": startSsh,
            ],
            displayStyle: .struct
        )
    }
}
