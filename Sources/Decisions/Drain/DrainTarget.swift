import Foundation

/// One pod a drain works on, from the first list that showed it until a
/// list no longer does.
public struct DrainTarget: Sendable, Equatable {
    /// What became of the pod, for the command's one line per pod.
    public enum Result: Sendable, Equatable, CustomStringConvertible {
        /// A terminate was accepted and the list no longer shows the pod.
        case terminated
        /// The list stopped showing the pod before a terminate was accepted.
        case alreadyGone
        /// Dry run: it would be terminated.
        case wouldTerminate
        /// Still listed when the drain ended, and why.
        case remaining(String)

        public var description: String {
            switch self {
            case .terminated: "terminated"
            case .alreadyGone: "already gone"
            case .wouldTerminate: "would terminate"
            case .remaining(let why): "NOT GONE: \(why)"
            }
        }
    }

    public var id: String
    public var name: String
    /// The pool the name belongs to among the known pools; nil for an orphan.
    public var pool: PoolID?
    /// USD per hour as the first list showed it.
    public var costPerHour: Double
    /// RunPod's status text at the first list.
    public var status: String
    /// Terminates sent, answered or not.
    public var attempts = 0
    /// When the last accepted terminate was answered; nil while none was.
    public var acceptedAt: Date?
    /// The next terminate may not go before this (backoff after a failure).
    public var notBefore: Date?
    /// The last failed terminate.
    public var lastFailure: ReconcileFailure?
    /// A list no longer shows the pod (or shows it TERMINATED).
    public var gone = false

    public init(id: String, name: String, pool: PoolID?, costPerHour: Double, status: String) {
        self.id = id
        self.name = name
        self.pool = pool
        self.costPerHour = costPerHour
        self.status = status
    }

    /// The result so far; `dryRun` for a drain that sends nothing.
    public func result(dryRun: Bool) -> Result {
        if gone { return acceptedAt == nil ? .alreadyGone : .terminated }
        if dryRun { return .wouldTerminate }
        if let lastFailure, acceptedAt == nil { return .remaining(lastFailure.detail) }
        if acceptedAt != nil { return .remaining("terminate accepted, still listed") }
        return .remaining("no terminate sent yet")
    }
}
