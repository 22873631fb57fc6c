import Decisions
import RunPodAPI

extension RunPodPod {
    /// The planner's view of the pod.
    var observed: ObservedPod {
        ObservedPod(
            id: id,
            name: name,
            phase: PodPhase(runPodStatus: status.description),
            status: status.description,
            offering: gpuTypeId.map { Offering(gpuTypeId: $0, cloud: observedCloud) },
            costPerHour: costPerHour,
            createdAt: createdAt,
            sshAddress: sshDirect.map { SSHAddress(host: $0.host, port: $0.port, username: $0.username) }
        )
    }

    /// RunPod's `cloudType` text as a `Cloud`; SECURE when absent or unknown.
    private var observedCloud: Cloud {
        cloud.flatMap { Cloud(rawValue: $0) ?? Cloud(rawValue: $0.uppercased()) } ?? .secure
    }
}
