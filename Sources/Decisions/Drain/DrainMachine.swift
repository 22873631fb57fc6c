import Foundation

/// The `drain` command's decisions as a pure machine: list, terminate every
/// selected pod, list again until none is left, retrying failed calls with
/// backoff and pausing for Retry-After, all within a deadline. Time comes in
/// with every call; the executor only makes the call each step names.
public struct DrainMachine: Sendable {
    public struct Settings: Sendable, Equatable {
        public var naming: PodNaming
        public var selection: DrainSelection
        /// The pools that exist, to name each pod's pool (the others are orphans).
        public var pools: [PoolID] = []
        /// List and report, terminate nothing.
        public var dryRun = false
        public var timeoutSeconds: Double = 300
        /// Between lists while terminated pods are still listed.
        public var pollSeconds: Double = 2
        /// A failed call is retried after this, doubling up to `maxBackoffSeconds`.
        public var firstBackoffSeconds: Double = 1
        public var maxBackoffSeconds: Double = 30
        /// A 429 without Retry-After pauses every call this long.
        public var defaultRetryAfterSeconds: Double = 10
        /// A pod still listed this long after an accepted terminate gets another.
        public var resendSeconds: Double = 30

        public init(naming: PodNaming, selection: DrainSelection) {
            self.naming = naming
            self.selection = selection
        }
    }

    private enum InFlight: Sendable {
        case list
        case terminate(index: Int)
    }

    public let settings: Settings
    /// The selected pods, in the order the lists first showed them.
    public private(set) var targets: [DrainTarget] = []
    private var deadline = Date.distantFuture
    private var inFlight: InFlight?
    private var listedOnce = false
    private var nextListAt = Date.distantPast
    private var listFailures = 0
    private var lastListFailure: ReconcileFailure?
    /// 429: RunPod's limit is per account, so every call waits.
    private var pausedUntil: Date?
    private var refusal: String?

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Starts the drain: the deadline runs from now, the first call is a list.
    public mutating func start(now: Date) -> DrainStep {
        deadline = now.addingTimeInterval(settings.timeoutSeconds)
        return next(now: now)
    }

    /// After a `wait`: what is due now.
    public mutating func resume(now: Date) -> DrainStep {
        next(now: now)
    }

    /// Feeds the answer to the last call back; returns the next step.
    public mutating func handle(_ event: DrainEvent, now: Date) -> DrainStep {
        let call = inFlight
        inFlight = nil
        switch (event, call) {
        case (.listed(let pods), .list?):
            listed(pods, now: now)
        case (.listFailed(let failure), .list?):
            lastListFailure = failure
            listFailures += 1
            nextListAt = now.addingTimeInterval(backoff(after: listFailures))
            apply(failure, now: now)
        case (.terminated, .terminate(let index)?):
            accepted(index, now: now)
        case (.terminateFailed(let failure), .terminate(let index)?):
            if failure.kind == .notFound {
                // Already gone: as good as accepted; the next list confirms it.
                accepted(index, now: now)
            } else {
                targets[index].lastFailure = failure
                targets[index].notBefore = now.addingTimeInterval(backoff(after: targets[index].attempts))
                apply(failure, now: now)
            }
        default:
            break
        }
        return next(now: now)
    }

    // MARK: Rules

    private mutating func listed(_ pods: [ObservedPod], now: Date) {
        listedOnce = true
        listFailures = 0
        lastListFailure = nil
        nextListAt = now.addingTimeInterval(settings.pollSeconds)
        let live = Dictionary(
            pods.filter { $0.phase != .terminated }.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for index in targets.indices where live[targets[index].id] == nil {
            targets[index].gone = true
        }
        // Pods that appear later (a reconciler still running) are drained too; a dry run reports the first list.
        guard !settings.dryRun || targets.isEmpty else { return }
        let known = Set(targets.map(\.id))
        let heads = PodNaming.Heads(settings.naming, pools: settings.pools)
        for pod in pods
        where pod.phase != .terminated && !known.contains(pod.id)
            && settings.selection.selects(pod.name, naming: settings.naming)
        {
            var pool = heads.pool(of: pod.name)
            if case .pool(let selected) = settings.selection { pool = selected }
            targets.append(
                DrainTarget(id: pod.id, name: pod.name, pool: pool, costPerHour: pod.costPerHour, status: pod.status))
        }
    }

    private mutating func accepted(_ index: Int, now: Date) {
        targets[index].acceptedAt = now
        targets[index].lastFailure = nil
        targets[index].notBefore = now.addingTimeInterval(settings.resendSeconds)
        // The last terminate answered: look at once rather than after the poll interval.
        if targets.allSatisfy({ $0.gone || $0.acceptedAt != nil }) { nextListAt = min(nextListAt, now) }
    }

    /// What a failure means beyond the call that failed: 429 pauses every
    /// call; 401/402/403 end the drain (another try gets the same answer).
    private mutating func apply(_ failure: ReconcileFailure, now: Date) {
        switch failure.kind {
        case .rateLimited:
            let pause = failure.retryAfterSeconds ?? settings.defaultRetryAfterSeconds
            pausedUntil = max(pausedUntil ?? now, now.addingTimeInterval(pause))
        case .refused:
            refusal = failure.detail
        default:
            break
        }
    }

    private func backoff(after failures: Int) -> Double {
        let doubled = settings.firstBackoffSeconds * pow(2, Double(max(0, failures - 1)))
        return min(settings.maxBackoffSeconds, doubled)
    }

    private mutating func next(now: Date) -> DrainStep {
        if let refusal { return .finished(.refused(refusal)) }
        if listedOnce {
            if settings.dryRun { return .finished(.dryRun) }
            if targets.allSatisfy(\.gone) { return .finished(.drained) }
        }
        if now >= deadline {
            guard listedOnce else {
                return .finished(.unreachable(lastListFailure?.detail ?? "no list was answered"))
            }
            return .finished(.timedOut)
        }
        if let pausedUntil, pausedUntil > now { return .wait(until: min(pausedUntil, deadline)) }
        // Terminates first: a pod is due once the last list showed it and its backoff has passed.
        if listedOnce,
            let index = targets.indices.first(where: { !targets[$0].gone && (targets[$0].notBefore ?? now) <= now })
        {
            targets[index].attempts += 1
            inFlight = .terminate(index: index)
            return .terminate(podId: targets[index].id)
        }
        if nextListAt <= now {
            inFlight = .list
            return .list
        }
        let retries = targets.filter { !$0.gone }.compactMap(\.notBefore)
        return .wait(until: min(([nextListAt] + retries).min() ?? nextListAt, deadline))
    }
}
