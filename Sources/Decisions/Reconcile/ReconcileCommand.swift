/// The one RunPod call the reconcile machine wants made next. The executor
/// makes it and feeds the result back as a `ReconcileEvent`.
public enum ReconcileCommand: Sendable, Equatable {
    /// Read the GPU catalog's prices (answer: `catalogRead` or `catalogFailed`).
    case readCatalog
    /// List every pod of the account (answer: `listed` or `listFailed`).
    case listPods
    /// Create one pod of `pool` named `name` (answer: `created` or `createFailed`).
    case create(pool: PoolID, name: String, offering: Offering, pricePerHour: Double)
    /// Terminate a pod; `pool` is nil for an orphan (answer: `terminated` or `terminateFailed`).
    case terminate(pool: PoolID?, podId: String, name: String, reason: TerminationReason)

    /// Whether the call changes the account (and so needs leadership).
    public var mutates: Bool {
        switch self {
        case .readCatalog, .listPods: false
        case .create, .terminate: true
        }
    }
}

extension ReconcileCommand {
    /// The pool a create or terminate is for (nil for reads and orphans).
    public var pool: PoolID? {
        switch self {
        case .create(let pool, _, _, _): pool
        case .terminate(let pool, _, _, _): pool
        case .readCatalog, .listPods: nil
        }
    }
}

extension ReconcileCommand {
    /// The operation label the budget and `runpod_api_requests_total` use.
    public var budgetLabel: String {
        switch self {
        case .readCatalog: "catalog"
        case .listPods: "list"
        case .create: "create"
        case .terminate: "delete"
        }
    }
}
