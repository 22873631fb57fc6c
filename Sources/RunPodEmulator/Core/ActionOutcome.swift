/// What a pod action did.
enum ActionOutcome: Sendable, Equatable {
    case notFound
    /// The action is not valid in the pod's current status.
    case notAllowed(EmulatedPodStatus)
    /// The pod after the action (start, stop, restart).
    case updated(EmulatedPod, [PodEvent])
    /// The pod is gone (terminate).
    case terminated(PodEvent)
}
