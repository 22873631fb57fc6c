import Foundation

@testable import Decisions

/// Drives a `DrainMachine` against a tiny in-memory RunPod account on a
/// hand-moved clock: a wait moves the clock to its end. Calls are recorded
/// with their time; failures are injected one shot at a time, per kind of call.
struct DrainRig {
    enum Call: Hashable { case list, terminate }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    var settings: DrainMachine.Settings
    var now = t0
    /// The account's pods, ours and others'.
    var pods: [ObservedPod]
    /// (seconds since t0, call, pod id for terminates).
    var calls: [(at: Double, call: Call, id: String?)] = []
    var failures: [Call: [ReconcileFailure]] = [:]
    /// Accepted terminates stay listed for this many more lists (a slow list).
    var listedAfterTerminate = 0
    /// Pods that appear in the account after the first list.
    var appearing: [ObservedPod] = []
    private var lagging: [String: Int] = [:]

    init(pods: [ObservedPod], selection: DrainSelection = .all, dryRun: Bool = false, timeout: Double = 300) {
        settings = DrainMachine.Settings(naming: PodNaming(prefix: "rpa"), selection: selection)
        settings.pools = [PoolID(namespace: "media", name: "burst"), PoolID(namespace: "media", name: "batch")]
        settings.dryRun = dryRun
        settings.timeoutSeconds = timeout
        self.pods = pods
    }

    static func pod(_ id: String, _ name: String, cost: Double = 0.69, phase: PodPhase = .running) -> ObservedPod {
        ObservedPod(
            id: id, name: name, phase: phase, status: phase == .running ? "RUNNING" : "TERMINATED", offering: nil,
            costPerHour: cost, createdAt: t0)
    }

    mutating func fail(_ call: Call, _ kind: ReconcileFailure.Kind, retryAfter: Double? = nil, times: Int = 1) {
        for _ in 0..<times {
            failures[call, default: []].append(
                ReconcileFailure(kind, detail: "injected \(kind)", retryAfterSeconds: retryAfter))
        }
    }

    /// Runs the drain to its end; returns the outcome and the machine.
    mutating func run() -> (DrainOutcome, DrainMachine) {
        var machine = DrainMachine(settings: settings)
        var step = machine.start(now: now)
        for _ in 0..<10_000 {
            switch step {
            case .finished(let outcome):
                return (outcome, machine)
            case .wait(let until):
                precondition(until > now, "a wait must move time on")
                now = until
                step = machine.resume(now: now)
            case .list:
                calls.append((now.timeIntervalSince(Self.t0), .list, nil))
                if let failure = take(.list) {
                    step = machine.handle(.listFailed(failure), now: now)
                } else {
                    let shown = pods
                    for (id, left) in lagging {
                        lagging[id] = left > 1 ? left - 1 : nil
                        if left <= 1 { pods.removeAll { $0.id == id } }
                    }
                    pods += appearing
                    appearing = []
                    step = machine.handle(.listed(shown), now: now)
                }
            case .terminate(let id):
                calls.append((now.timeIntervalSince(Self.t0), .terminate, id))
                if let failure = take(.terminate) {
                    // A 404: the account had already let the pod go.
                    if failure.kind == .notFound { pods.removeAll { $0.id == id } }
                    step = machine.handle(.terminateFailed(failure), now: now)
                } else if !pods.contains(where: { $0.id == id }) {
                    step = machine.handle(
                        .terminateFailed(ReconcileFailure(.notFound, detail: "pod not found")), now: now)
                } else {
                    if listedAfterTerminate == 0 {
                        pods.removeAll { $0.id == id }
                    } else if lagging[id] == nil {
                        lagging[id] = listedAfterTerminate
                    }
                    step = machine.handle(.terminated, now: now)
                }
            }
        }
        fatalError("the drain did not finish")
    }

    private mutating func take(_ call: Call) -> ReconcileFailure? {
        guard var queue = failures[call], !queue.isEmpty else { return nil }
        let failure = queue.removeFirst()
        failures[call] = queue
        return failure
    }

    func times(of call: Call) -> [Double] { calls.filter { $0.call == call }.map(\.at) }
    var terminated: [String] { calls.compactMap { $0.call == .terminate ? $0.id : nil } }
}
