import Primitives

/// A `Pod` object of the v2 API, decoded leniently: only `id` is required; unknown fields and statuses, a
/// missing `gpu`, `null` blocks, string costs and Go-style timestamps are all accepted.
struct PodDocument: Decodable {
    let pod: RunPodPod

    private enum CodingKeys: String, CodingKey {
        case id, name, status, gpu, cloud, dataCenterId, cost, image, env, createdAt, startedAt, ssh
    }

    private struct SSH: Decodable {
        let direct: Endpoint?
    }

    private struct Endpoint: Decodable {
        let host: String?
        let port: LenientNumber?
        let username: String?
    }

    private struct GPU: Decodable {
        let id: String?
        let count: LenientNumber?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let gpu = try container.decodeIfPresent(GPU.self, forKey: .gpu)
        // Informational for most callers: a malformed `ssh` block reads as no address rather than hiding the pod.
        let direct = (try? container.decodeIfPresent(SSH.self, forKey: .ssh))?.direct
        var sshDirect: RunPodSSHEndpoint?
        if let direct, let host = direct.host, !host.isEmpty, let port = direct.port?.integer,
            (1...65535).contains(port)
        {
            sshDirect = RunPodSSHEndpoint(host: host, port: port, username: direct.username ?? "root")
        }
        pod = RunPodPod(
            id: try container.decode(String.self, forKey: .id),
            name: try container.decodeIfPresent(String.self, forKey: .name) ?? "",
            status: RunPodPodStatus(rawValue: try container.decodeIfPresent(String.self, forKey: .status) ?? ""),
            gpuTypeId: gpu?.id,
            // The schema's default count is 1 when `gpu` is present (and for a count no Int holds); CPU pods have none.
            gpuCount: gpu.map { $0.count?.integer ?? 1 } ?? 0,
            cloud: try container.decodeIfPresent(String.self, forKey: .cloud),
            dataCenterId: try container.decodeIfPresent(String.self, forKey: .dataCenterId),
            // Informational only: a cost that is neither a number nor a numeric string reads as 0 rather than
            // hiding the pod from the autoscaler.
            costPerHour: (try? container.decodeIfPresent(LenientNumber.self, forKey: .cost))?.value ?? 0,
            image: try container.decodeIfPresent(String.self, forKey: .image),
            env: (try? container.decodeIfPresent([String: String].self, forKey: .env)) ?? [:],
            createdAt: try container.decodeIfPresent(String.self, forKey: .createdAt).flatMap(RFC3339Timestamp.parse),
            startedAt: try container.decodeIfPresent(String.self, forKey: .startedAt).flatMap(RFC3339Timestamp.parse),
            sshDirect: sshDirect
        )
    }
}
