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

    public init(
        desired: Int, podsByStatus: [String: Int], running: Int, counted: Int, costPerHour: Double,
        block: CreateBlock?, pods: [ObservedPod], stoppedReason: String?, at: Date
    ) {
        self.desired = desired
        self.podsByStatus = podsByStatus
        self.running = running
        self.counted = counted
        self.costPerHour = costPerHour
        self.block = block
        self.pods = pods
        self.stoppedReason = stoppedReason
        self.at = at
    }

    /// Seconds since the oldest of the pool's pods that is not RUNNING yet
    /// (PROVISIONING, STARTING or a status this version does not know) was
    /// created, as of `at`; 0 when there is none. Pods without a creation
    /// time are left out: their age is unknown.
    public var oldestPendingSeconds: Double {
        pods.filter { $0.phase == .pending }.compactMap(\.createdAt).map { max(0, at.timeIntervalSince($0)) }.max() ?? 0
    }
}
