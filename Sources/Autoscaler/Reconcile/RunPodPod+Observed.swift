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
            offering: gpuTypeId.map { Offering(gpuTypeId: $0, cloud: cloud ?? "SECURE") },
            costPerHour: costPerHour,
            createdAt: createdAt
        )
    }
}
