/// The planner's answer: actions in order, the expectations still open, and
/// what the pool looks like for status and metrics.
public struct ReconcilePlan: Sendable, Equatable {
    public var actions: [ReconcileAction]
    /// Expectations to keep (seen ones and dead lost-answer ones dropped).
    public var expectations: [CreateExpectation]
    /// Pods that count toward desired: live listed pods plus open expectations.
    public var counted: Int
    /// USD per hour of what is counted (plus creates planned now).
    public var costPerHour: Double
    /// Why fewer pods than desired are created, when that is the case.
    public var block: CreateBlock?
    /// A one-line summary for logs: desired, existing, action, reason.
    public var summary: String
}
