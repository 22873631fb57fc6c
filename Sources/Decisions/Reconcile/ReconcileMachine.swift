import Foundation

/// The reconciler's memory and every rule that changes it, as a pure machine:
/// a pass starts with a `ReconcilePassRequest`, each step names one RunPod
/// call, and the call's answer comes back as a `ReconcileEvent`. Time comes
/// in with every call, so the same machine runs behind real HTTP, in tests on
/// a manual clock and in the simulator on virtual time.
public struct ReconcileMachine: Sendable {
    public struct Settings: Sendable, Equatable {
        public var naming: PodNaming
        /// Log and report creates and terminates, send none.
        public var dryRun = false
        /// How long the GPU catalog's prices are trusted.
        public var catalogSeconds: Double = 300
        /// After a failed catalog read, the next try comes this much later.
        public var catalogRetrySeconds: Double = 30
        /// Creates stay stopped this long after 401/403/402 before one retry.
        public var stopSeconds: Double = 300
        /// Orphans of a pool this process never saw are terminated after this grace.
        public var orphanGraceSeconds: Double = 300
        /// A 429 without Retry-After pauses creates this long.
        public var defaultRetryAfterSeconds: Double = 10
        /// RunPod calls per minute, all pools together, until answers say otherwise (their `RateLimit`
        /// headers); nil spends without counting (the simulator's virtual RunPod has no quota).
        public var requestsPerMinute: Int?

        public init(naming: PodNaming) {
            self.naming = naming
        }
    }

    /// Work left in the current pass, done in order.
    enum Work: Sendable {
        /// Re-plan one pool (after a no-capacity answer, with the next attempt).
        case plan(PoolSpec, desired: Int, attempt: Int)
        /// Plan every pool again (after the catalog was read for a pool with a budget).
        case queue
        case send(ReconcileCommand)
    }

    struct Pass: Sendable {
        var request: ReconcilePassRequest
        var work: [Work] = []
        var inFlight: ReconcileCommand?
        var listStartedAt: Date?
        var podsByPool: [PoolID: [ObservedPod]] = [:]
        var orphans: [ObservedPod] = []
        /// Each pool's plan attempt (re-planned after no capacity).
        var attempts: [PoolID: Int] = [:]
        /// Calls the budget could not cover, by operation label.
        var deferred: [String: Int] = [:]
        /// Whether the catalog was asked for, and read, in this pass (a pool
        /// with a budget creates only at prices read in the same pass).
        var catalogTried = false
        var catalogRead = false
        /// The pools to plan and whether orphans are known, kept to plan again after a catalog read.
        var planned: [(spec: PoolSpec, desired: Int)] = []
        var orphansKnown = false
    }

    public let settings: Settings
    public internal(set) var state = ReconcilerState()
    var pass: Pass?
    var random: ErasedRandom

    public init(settings: Settings, random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.settings = settings
        self.random = ErasedRandom(base: random)
        state.budget = settings.requestsPerMinute.map { RequestBudget(limit: $0) }
    }

    /// Whether a pass is under way (its last command not yet answered).
    public var isInPass: Bool { pass != nil }

    /// Why the reconciler is not healthy, for `/readyz`.
    public func problems(at now: Date) -> [String] {
        var problems: [String] = []
        if let error = state.lastListError { problems.append("RunPod list failing: \(error)") }
        if let reason = state.stopped(at: now) { problems.append("RunPod creates stopped: \(reason)") }
        return problems
    }

    // MARK: Events in, commands out

    /// Starts a pass: read the catalog when its prices are stale (and the budget covers it and the list), then list.
    public mutating func startPass(_ request: ReconcilePassRequest, now: Date) -> ReconcileStep {
        precondition(pass == nil, "a reconcile pass is already under way")
        pass = Pass(request: request)
        // The tables with an entry for every pool sized once: grown by doubling, each would leave its
        // smaller predecessors behind as holes in the heap (only when short: a reserve on a table that a
        // reader still shares would copy it, even if it is large enough). `lastSummary` is not one: only
        // pools that acted or were blocked have a summary.
        let pools = request.pools.count
        if state.knownPoolGrace.capacity < pools { state.knownPoolGrace.reserveCapacity(pools) }
        if state.status.capacity < pools { state.status.reserveCapacity(pools) }
        for spec in request.pools { state.knownPoolGrace[spec.id] = spec.scaling.orphanGraceSeconds }
        let stale = state.catalogAt.map { now.timeIntervalSince($0) > settings.catalogSeconds } ?? true
        guard stale && budgetAvailable(at: now) >= 2 else { return list(now: now) }
        pass?.catalogTried = true
        return send(.readCatalog, now: now)
    }

    /// Feeds the answer to the last command back; returns the next step.
    /// - Parameter rateLimit: the answer's `RateLimit` headers, when it had them: the budget follows them.
    public mutating func handle(_ event: ReconcileEvent, rateLimit: RateLimitReading? = nil, now: Date) -> ReconcileStep
    {
        state.budget?.settle(at: now)
        if let rateLimit { state.budget?.observe(rateLimit) }
        guard pass != nil else { return ReconcileStep(command: nil) }
        let command = pass?.inFlight
        pass?.inFlight = nil
        var reports: [ReconcileReport] = []
        switch event {
        case .catalogRead(let prices):
            state.gpuPrices = prices
            state.catalogAt = now
            state.catalogRetryAt = nil
            pass?.catalogRead = true
            // Read at the start of the pass, the list comes next; read for a create, the plan goes on.
            if pass?.listStartedAt == nil { return list(now: now) }
        case .catalogFailed(let failure):
            reports.append(.catalogFailed(failure))
            reports += applyBlocking(failure, now: now)
            state.catalogAt = now.addingTimeInterval(settings.catalogRetrySeconds - settings.catalogSeconds)
            state.catalogRetryAt = now.addingTimeInterval(settings.catalogRetrySeconds)
            if pass?.listStartedAt == nil {
                var step = list(now: now)
                step.reports = reports + step.reports
                return step
            }
        case .listFailed(let failure):
            state.lastListError = failure.detail
            reports.append(.listFailed(failure))
            reports += applyBlocking(failure, now: now)
            pass = nil
            return ReconcileStep(command: nil, reports: reports)
        case .listed(let pods):
            state.lastListError = nil
            state.lastListAt = pass?.listStartedAt
            reports += sort(pods, now: now)
        case .created(let podId):
            if case .create(let pool, let name, let offering, _)? = command {
                state.backoffSeconds = 0
                if let index = state.expectations[pool]?.firstIndex(where: { $0.name == name }) {
                    state.expectations[pool]?[index].confirmedId = podId
                }
                reports.append(.created(pool: pool, name: name, podId: podId, offering: offering))
            }
        case .createFailed(let failure):
            if case .create(let pool, let name, let offering, _)? = command {
                reports += createFailed(pool: pool, name: name, offering: offering, failure: failure, now: now)
            }
        case .terminated:
            if case .terminate(let pool, let id, let name, let reason)? = command {
                reports.append(.terminated(pool: pool, podId: id, name: name, reason: reason))
            }
        case .terminateFailed(let failure):
            if case .terminate(let pool, let id, let name, let reason)? = command {
                if failure.kind == .notFound {
                    // Already gone: success.
                    reports.append(.terminated(pool: pool, podId: id, name: name, reason: reason))
                } else {
                    state.terminating.remove(id)
                    reports += applyBlocking(failure, now: now)
                    reports.append(.terminateFailed(pool: pool, podId: id, name: name, failure: failure))
                }
            }
        case .notPermitted:
            // The command was not made: forget what sending it assumed.
            switch command {
            case .create(let pool, let name, _, _)?: state.expectations[pool]?.removeAll { $0.name == name }
            case .terminate(_, let id, _, _)?: state.terminating.remove(id)
            default: break
            }
            pass?.work.removeAll()
        }
        var step = advance(now: now)
        step.reports = reports + step.reports
        return step
    }

    // MARK: The pass

    private mutating func send(_ command: ReconcileCommand, now: Date) -> ReconcileStep {
        _ = state.budget?.spend(at: now)
        pass?.inFlight = command
        return ReconcileStep(command: command)
    }

    /// Lists, or ends the pass when the budget has no call left (nothing is decided without a list).
    private mutating func list(now: Date) -> ReconcileStep {
        guard budgetAvailable(at: now) > 0 else {
            pass?.deferred["list", default: 0] += 1
            let reports = budgetReports(now: now)
            pass = nil
            return ReconcileStep(command: nil, reports: reports)
        }
        pass?.listStartedAt = now
        return send(.listPods, now: now)
    }

    /// Sorts the listed pods into pools and orphans and queues the pass's work.
    private mutating func sort(_ pods: [ObservedPod], now: Date) -> [ReconcileReport] {
        guard var pass else { return [] }
        let listedAt = pass.listStartedAt ?? now
        let heads = PodNaming.Heads(settings.naming, pools: pass.request.pools.map(\.id))
        let tunnelFailed = pass.request.tunnelFailed
        // Grouped by the pool's place, then keyed by pool once: not a pool id hashed per pod.
        var grouped = [[ObservedPod]](repeating: [], count: heads.pools.count)
        for var pod in pods where heads.owns(pod.name) {
            // Attach: a RUNNING pod whose tunnel failed counts as failed and is replaced like an EXITED one.
            if pod.phase == .running, !tunnelFailed.isEmpty, tunnelFailed.contains(pod.id) { pod.phase = .failed }
            if let index = heads.index(of: pod.name) {
                grouped[index].append(pod)
            } else if pod.phase != .terminated {
                pass.orphans.append(pod)
            }
        }
        // A pass sorts one list: the table is empty here, and each pool has one place (a shared head goes to
        // the first).
        for (index, group) in grouped.enumerated() where !group.isEmpty {
            pass.podsByPool[heads.pools[index]] = group
        }
        // The listed ids are only needed to forget what the list no longer shows.
        if !state.terminating.isEmpty || !state.orphanFirstSeen.isEmpty {
            let listedIds = Set(pods.map(\.id))
            state.terminating.formIntersection(listedIds)
            state.orphanFirstSeen = state.orphanFirstSeen.filter { listedIds.contains($0.key) }
        }
        for orphan in pass.orphans where state.orphanFirstSeen[orphan.id] == nil {
            state.orphanFirstSeen[orphan.id] = listedAt
        }
        var reports: [ReconcileReport] = []
        // Until the pools are known every pod would look like an orphan.
        if pass.request.poolsKnown { reports.append(.orphans(count: pass.orphans.count)) }
        self.pass = pass
        guard pass.request.mayAct else { return reports }
        var planned: [(spec: PoolSpec, desired: Int)] = []
        for spec in pass.request.pools {
            if pass.request.deleting.contains(spec.id) {
                // Deleted: every pod goes now, whatever was asked before.
                planned.append((spec, 0))
            } else if let desired = pass.request.desired[spec.id] {
                planned.append((spec, desired))
            } else {
                let live = (pass.podsByPool[spec.id] ?? []).filter { $0.phase != .terminated }.count
                reports += summarize(spec.id, "holding \(live) pods: no decision (demand unavailable)")
            }
        }
        return reports + queueWork(planned, orphans: pass.request.poolsKnown, now: now)
    }

    /// Does queued work until a command is due; ends the pass when none is left.
    private mutating func advance(now: Date) -> ReconcileStep {
        var reports: [ReconcileReport] = []
        while var pass, !pass.work.isEmpty {
            let work = pass.work.removeFirst()
            self.pass = pass
            switch work {
            case .plan(let spec, let desired, let attempt):
                self.pass?.attempts[spec.id] = attempt
                let (commands, planned) = plan(spec, desired: desired, now: now)
                reports += planned
                self.pass?.work.insert(contentsOf: commands.map(Work.send), at: 0)
            case .queue:
                reports += queueWork(pass.planned, orphans: pass.orphansKnown, now: now)
            case .send(let command):
                if settings.dryRun && command.mutates {
                    reports.append(.wouldSend(command))
                    continue
                }
                guard budgetAvailable(at: now) > 0 else {
                    // Never send what the service would refuse: the call waits for a later pass.
                    deferForBudget(command)
                    continue
                }
                switch command {
                case .create(let pool, let name, let offering, let price):
                    let expectation = CreateExpectation(
                        name: name, offering: offering, pricePerHour: price, attemptedAt: now, confirmedId: nil)
                    state.expectations[pool, default: []].append(expectation)
                case .terminate(_, let id, _, _):
                    state.terminating.insert(id)
                case .readCatalog, .listPods:
                    break
                }
                var step = send(command, now: now)
                step.reports = reports
                return step
            }
        }
        reports += budgetReports(now: now)
        reports.append(finishPass())
        return ReconcileStep(command: nil, reports: reports)
    }

    private mutating func finishPass() -> ReconcileReport {
        var pods: [PoolID: Int] = [:]
        var running: [PoolID: Int] = [:]
        var prices: [PoolID: Double] = [:]
        // Sized once, as the state's tables.
        let count = pass?.request.pools.count ?? 0
        pods.reserveCapacity(count)
        running.reserveCapacity(count)
        prices.reserveCapacity(count)
        for spec in pass?.request.pools ?? [] {
            var live = 0
            var up = 0
            for pod in pass?.podsByPool[spec.id] ?? [] where pod.phase != .terminated {
                live += 1
                if pod.phase == .running { up += 1 }
            }
            pods[spec.id] = live
            running[spec.id] = up
            if let first = Offering.fallbackOrder(spec.template).first, let price = state.gpuPrices[first] {
                prices[spec.id] = price * Double(spec.template.gpuCount)
            }
        }
        pass = nil
        return .passFinished(pods: pods, running: running, prices: prices)
    }

    /// Logs a pool's summary when it differs from the last one.
    mutating func summarize(_ pool: PoolID, _ summary: String) -> [ReconcileReport] {
        let hash = summary.hashValue
        defer { state.lastSummary[pool] = hash }
        return state.lastSummary[pool] == hash ? [] : [.summary(pool, summary)]
    }
}
