import Decisions

/// One pod of the virtual RunPod account.
struct VirtualPod: Sendable {
    var id: String
    var name: String
    var offering: Offering
    var pricePerHour: Double
    var createdAt: Double
    /// When it becomes STARTING, then RUNNING.
    var startingAt: Double
    var runningAt: Double

    func status(at now: Double) -> String {
        now >= runningAt ? "RUNNING" : now >= startingAt ? "STARTING" : "PROVISIONING"
    }
}
