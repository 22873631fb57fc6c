/// Why the planner created fewer pods than desired.
public enum CreateBlock: Sendable, Equatable, CustomStringConvertible {
    /// 401/403/402: creates stopped for the account.
    case stopped(String)
    /// 429 Retry-After or 5xx backoff: seconds left.
    case paused(seconds: Int)
    /// A create whose answer was lost is looked for in the next list first.
    case lostAnswer(name: String)
    /// Every offering of the pool answered "no capacity" recently.
    case noCapacity
    /// The next pod would pass `maxCostPerHour`.
    case budget(used: Double, limit: Double)
    /// Failed or timed-out pods still hold room under `maxReplicas` until
    /// RunPod has terminated them: their replacements wait.
    case replacing(count: Int)
    /// A pool with `maxCostPerHour` creates only at prices read in the same
    /// pass, and the GPU catalog could not be read.
    case pricesUnknown

    /// Every value of ``reason``, so each can be reported as 0 while it does not apply.
    public static let reasons = [
        "stopped", "paused", "lost_answer", "no_capacity", "budget", "replacing", "prices_unknown",
    ]

    /// The case as a metric label value (`runpod_autoscaler_pool_creates_blocked{reason}`).
    public var reason: String {
        switch self {
        case .stopped: "stopped"
        case .paused: "paused"
        case .lostAnswer: "lost_answer"
        case .noCapacity: "no_capacity"
        case .budget: "budget"
        case .replacing: "replacing"
        case .pricesUnknown: "prices_unknown"
        }
    }

    public var description: String {
        switch self {
        case .stopped(let reason): "creates stopped: \(reason)"
        case .paused(let seconds): "creates paused for \(seconds)s after RunPod errors (429 Retry-After or backoff)"
        case .lostAnswer(let name): "looking for \(name) (create answer lost) in the next list"
        case .noCapacity: "no capacity on any offering of the pool"
        case .budget(let used, let limit):
            "budget: \(String(format: "%.2f", used)) of \(String(format: "%.2f", limit)) USD/h used, no available offering fits"
        case .replacing(let count):
            "waiting for \(count) failed or timed-out pods to be terminated before replacing them (maxReplicas)"
        case .pricesUnknown: "GPU prices could not be read: maxCostPerHour needs current prices to create"
        }
    }
}
