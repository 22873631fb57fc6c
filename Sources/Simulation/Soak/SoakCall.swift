/// The RunPod calls the reconcile machine makes, as the soak's virtual account
/// counts them and injects faults into them.
public enum SoakCall: String, CaseIterable, Sendable, Hashable {
    case catalog
    case list
    case create
    case terminate

    /// The faults that make sense for this call (no capacity is a create's answer only).
    var faults: [SoakFault] {
        switch self {
        case .create: SoakFault.allCases
        case .terminate: [.lostBeforeRunPod, .lostAfterRunPod, .rateLimited, .refused, .other]
        case .catalog, .list: [.lostBeforeRunPod, .rateLimited, .refused, .other]
        }
    }
}
