extension RunPodPod: CustomStringConvertible, CustomReflectable {
    /// Everything but the values of ``env``, which may hold secrets.
    public var description: String {
        var parts = ["id: \(id)", "name: \(name)", "status: \(status)"]
        if let gpuTypeId {
            parts.append("gpu: \(gpuCount) x \(gpuTypeId)")
        }
        if let cloud {
            parts.append("cloud: \(cloud)")
        }
        if let dataCenterId {
            parts.append("dataCenterId: \(dataCenterId)")
        }
        parts.append("costPerHour: \(costPerHour)")
        if let image {
            parts.append("image: \(image)")
        }
        parts.append("env: \(env.count) values redacted")
        return "RunPodPod(\(parts.joined(separator: ", ")))"
    }

    /// The fields for `dump` and debuggers, with ``env`` reduced to its size.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "id": id, "name": name, "status": status, "gpuTypeId": gpuTypeId as Any, "gpuCount": gpuCount,
                "cloud": cloud as Any, "dataCenterId": dataCenterId as Any, "costPerHour": costPerHour,
                "image": image as Any, "env": "\(env.count) values redacted", "createdAt": createdAt as Any,
                "startedAt": startedAt as Any,
            ],
            displayStyle: .struct
        )
    }
}
