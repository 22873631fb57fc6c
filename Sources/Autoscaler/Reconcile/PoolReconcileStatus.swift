import Decisions
import Foundation

/// What the last reconcile pass saw and did for one pool: for `/readyz`,
/// logs, metrics and (in Kubernetes mode) the RunPodPool status.
public struct PoolReconcileStatus: Sendable, Equatable {
    public var desired: Int
    /// Listed pods of the pool that are not terminated, by RunPod status.
    public var podsByStatus: [String: Int]
    public var running: Int
    public var counted: Int
    public var costPerHour: Double
    /// Why creates are held back, if they are.
    public var block: CreateBlock?
    /// The pool's listed pods (not terminated).
    public var pods: [ObservedPod]
    /// Set while creates are stopped by 401/403/402.
    public var stoppedReason: String?
    public var at: Date
}
