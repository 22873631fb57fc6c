/// The local A100 baseline from cluster state: allocatable GPUs of Ready,
/// schedulable local nodes, minus the GPUs that non-terminal pods on them
/// hold which are not this queue's workers.
public enum LocalOccupancy {
    /// - Parameters:
    ///   - nodes: the nodes `local.nodeSelector` selected.
    ///   - pods: pods of any namespace (terminal ones are ignored).
    ///   - workers: `local.workerSelector`: this queue's own workers.
    public static func compute(nodes: [ClusterNode], pods: [ClusterPod], workers: LabelSelector) -> LocalCapacity {
        // Attached RunPod pods have nodes too (`gpu-type=runpod`): they are burst, not the local baseline.
        let healthy = nodes.filter { $0.ready && !$0.unschedulable && !$0.isRunPod }
        let names = Set(healthy.map(\.name))
        let allocatable = healthy.reduce(0) { $0.adding(saturating: max(0, $1.allocatableGPUs)) }
        let usedByOthers = pods.reduce(0) { total, pod in
            guard !pod.isTerminal, let node = pod.nodeName, names.contains(node), !workers.matches(pod.labels) else {
                return total
            }
            return total.adding(saturating: max(0, pod.gpus))
        }
        return LocalCapacity(gpus: allocatable, usedByOthers: min(usedByOthers, allocatable))
    }
}
