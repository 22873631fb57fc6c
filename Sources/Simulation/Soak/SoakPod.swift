import Decisions

/// One pod of the soak's virtual RunPod account, on virtual seconds.
struct SoakPod: Sendable {
    var id: String
    var name: String
    /// The pool the name says it belongs to (nil: not one of the soak's pools).
    var pool: PoolID?
    var offering: Offering
    var gpuCount: Int
    /// USD per hour, fixed at create time from the catalog of that moment.
    var costPerHour: Double
    var createdAt: Double
    /// When the list first shows it (RunPod's list may trail a create by a moment).
    var visibleAt: Double
    /// When it becomes STARTING, then RUNNING; infinity: stuck in PROVISIONING.
    var startingAt: Double
    var runningAt: Double
    /// `ERROR` or `EXITED` once the host or the container failed.
    var failure: String?

    func status(at now: Double) -> String {
        if let failure { return failure }
        return now >= runningAt ? "RUNNING" : now >= startingAt ? "STARTING" : "PROVISIONING"
    }

    /// RunPod bills every pod but an EXITED (or TERMINATED) one; its `cost` is 0 then.
    var billed: Bool { failure != "EXITED" }

    /// Counts toward a pool's pods as the planner sees them: not failed, not past the provision timeout.
    func healthy(at now: Double, provisionTimeout: Double) -> Bool {
        failure == nil && (now >= runningAt || now - createdAt <= provisionTimeout)
    }
}
