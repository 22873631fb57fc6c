import Foundation
import Logging
import RunPodAPI
import Decisions
import Synchronization

/// Makes each pool's RunPod pods match its desired count: lists, plans with
/// the pure `ReconcilePlanner`, executes creates and terminates, and keeps
/// only what a restart may lose without harm (pods are adopted by name).
public final class PodReconciler: Sendable {
    public struct Settings: Sendable {
        public var naming: PodNaming
        public var interval: Duration = .seconds(5)
        public var dryRun = false
        /// How long the GPU catalog's prices are trusted.
        public var catalogSeconds: Double = 300
        /// Creates stay stopped this long after 401/403/402 before one retry.
        public var stopSeconds: Double = 300
        /// Orphans are terminated after this grace.
        public var orphanGraceSeconds: Double = 300
        /// Whether this replica may create and terminate now (the leader, in
        /// Kubernetes mode). Checked before every pass and every action.
        public var canMutate: @Sendable () -> Bool = { true }
        /// Whether the set of pools is known (Kubernetes mode: the cluster was
        /// read); until then no pod is treated as an orphan.
        public var poolsKnown: @Sendable () -> Bool = { true }
        /// Scale actions worth recording (Kubernetes Events).
        public var onEvent: (@Sendable (PoolEvent) -> Void)?

        public init(naming: PodNaming) {
            self.naming = naming
        }
    }

    /// What survives between passes (in memory only, by design).
    private struct Memory {
        var expectations: [PoolID: [CreateExpectation]] = [:]
        var terminating: Set<String> = []
        var unavailableUntil: [Offering: Date] = [:]
        var blockedUntil: Date?
        var backoffSeconds: Double = 0
        var stopped: (reason: String, until: Date)?
        var orphanFirstSeen: [String: Date] = [:]
        var gpuPrices: [Offering: Double] = [:]
        var catalogAt: Date?
        var lastSummary: [PoolID: String] = [:]
        var lastListError: String?
        var lastListAt: Date?
    }

    private let provider: any PodProvider
    private let store: ScalerStateStore
    private let metrics: AutoscalerMetrics?
    private let settings: Settings
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let desired: @Sendable (PoolSpec, ScalerSnapshot) -> Int?
    private let memory = Mutex(Memory())
    private let published = Mutex([PoolID: PoolReconcileStatus]())
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>
    private let random = Mutex(SystemRandomNumberGenerator())

    /// - Parameter desired: the pods a pool should have now; nil holds the
    ///   pool as it is (for example while the demand source is stale).
    public init(
        provider: any PodProvider, store: ScalerStateStore, metrics: AutoscalerMetrics?, settings: Settings,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
        desired: @escaping @Sendable (PoolSpec, ScalerSnapshot) -> Int? = { spec, snapshot in
            snapshot.pools[spec.id]?.decision?.burst
        }
    ) {
        self.provider = provider
        self.store = store
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
        self.now = now
        self.desired = desired
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The last pass's view of each pool.
    public var status: [PoolID: PoolReconcileStatus] { published.withLock { $0 } }

    /// Why the reconciler is not healthy, for `/readyz`.
    public var problems: [String] {
        memory.withLock { memory in
            var problems: [String] = []
            if let error = memory.lastListError { problems.append("RunPod list failing: \(error)") }
            if let stopped = memory.stopped, stopped.until > now() {
                problems.append("RunPod creates stopped: \(stopped.reason)")
            }
            return problems
        }
    }

    /// Runs passes every `interval`, and soon after the desired counts change.
    public func run() async {
        let subscription = store.subscribe { [weak self] _ in self?.wake.yield() }
        defer { store.unsubscribe(subscription) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [wake, settings] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: settings.interval)
                    wake.yield()
                }
            }
            group.addTask { [self] in
                await pass()
                var lastDesired = desiredCounts()
                for await _ in wakes {
                    if Task.isCancelled { break }
                    let current = desiredCounts()
                    // Snapshot ticks without a change in desired do not need a pass.
                    if current == lastDesired, !intervalElapsed() { continue }
                    lastDesired = current
                    await pass()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func desiredCounts() -> [PoolID: Int] {
        let snapshot = store.snapshot
        var counts: [PoolID: Int] = [:]
        for spec in store.inputs.pools { counts[spec.id] = desired(spec, snapshot) ?? -1 }
        return counts
    }

    private func intervalElapsed() -> Bool {
        memory.withLock { memory in
            guard let last = memory.lastListAt else { return true }
            return now().timeIntervalSince(last) >= Double(settings.interval.components.seconds)
        }
    }

    // MARK: One pass

    /// One reconcile pass over every pool. Public for tests.
    public func pass() async {
        // Every replica lists (so all answer KEDA alike); only the leader acts.
        let mayAct = settings.canMutate()
        let started = ContinuousClock.now
        defer { metrics?.recordReconcile(seconds: (ContinuousClock.now - started).seconds) }
        await refreshCatalogIfNeeded()

        let listedAt = now()
        let pods: [RunPodPod]
        do {
            pods = try await provider.listPods()
            memory.withLock {
                $0.lastListError = nil
                $0.lastListAt = listedAt
            }
        } catch {
            memory.withLock { $0.lastListError = "\(error)" }
            logger.warning("cannot list RunPod pods; no action this pass", metadata: ["error": "\(error)"])
            handleBlockingError(error)
            return
        }

        let pools = store.inputs.pools
        let ids = pools.map(\.id)
        var byPool: [PoolID: [ObservedPod]] = [:]
        var orphans: [ObservedPod] = []
        for pod in pods where settings.naming.owns(pod.name) {
            let observed = pod.observed
            if let pool = settings.naming.pool(of: pod.name, among: ids) {
                byPool[pool, default: []].append(observed)
            } else if observed.phase != .terminated {
                orphans.append(observed)
            }
        }
        memory.withLock { memory in
            let listedIds = Set(pods.map(\.id))
            memory.terminating.formIntersection(listedIds)
            memory.orphanFirstSeen = memory.orphanFirstSeen.filter { listedIds.contains($0.key) }
            for orphan in orphans where memory.orphanFirstSeen[orphan.id] == nil {
                memory.orphanFirstSeen[orphan.id] = listedAt
            }
        }

        let snapshot = store.snapshot
        var runpodPods: [PoolID: Int] = [:]
        var running: [PoolID: Int] = [:]
        var prices: [PoolID: Double] = [:]
        for spec in pools {
            let observed = byPool[spec.id] ?? []
            let live = observed.filter { $0.phase != .terminated }
            runpodPods[spec.id] = live.count
            running[spec.id] = live.filter { $0.phase == .running }.count
            if let first = Offering.fallbackOrder(spec.template).first, let price = price(of: first, spec) {
                prices[spec.id] = price
            }
            guard mayAct else { continue }
            guard let want = desired(spec, snapshot) else {
                logOnce(spec.id, "holding \(live.count) pods: no decision (demand unavailable)")
                continue
            }
            await reconcile(spec, desired: want, pods: observed, listedAt: listedAt)
        }
        if mayAct && settings.poolsKnown() { await terminateOrphans(orphans) }

        store.update(now: now()) { inputs in
            inputs.runpodPods = runpodPods
            inputs.runpodRunning = running
            inputs.podPrices = prices
        }
    }

    private func reconcile(_ spec: PoolSpec, desired: Int, pods: [ObservedPod], listedAt: Date) async {
        // Re-plan after a no-capacity answer, at most once per offering.
        for _ in 0...Offering.fallbackOrder(spec.template).count {
            let input = memory.withLock { memory in
                ReconcileInput(
                    pool: spec, desired: desired, pods: pods, listedAt: listedAt,
                    expectations: memory.expectations[spec.id] ?? [], terminating: memory.terminating,
                    unavailableUntil: memory.unavailableUntil, prices: poolPrices(spec, memory.gpuPrices),
                    createsBlockedUntil: memory.blockedUntil,
                    createsStopped: memory.stopped.flatMap { $0.until > now() ? $0.reason : nil }, now: now())
            }
            let plan = random.withLock { random in
                ReconcilePlanner.plan(input, naming: settings.naming, random: &random)
            }
            memory.withLock { $0.expectations[spec.id] = plan.expectations }
            publish(spec, desired: desired, pods: pods, plan: plan)
            if !plan.actions.isEmpty || plan.block != nil { logOnce(spec.id, plan.summary) }
            let replan = await execute(plan.actions, for: spec)
            if !replan { return }
        }
    }

    /// Executes a plan's actions in order; true when a no-capacity answer
    /// means the rest should be planned again.
    private func execute(_ actions: [ReconcileAction], for spec: PoolSpec) async -> Bool {
        for action in actions {
            switch action {
            case .create(let name, let offering, let price):
                guard settings.canMutate() else { return false }
                if settings.dryRun {
                    logger.notice(
                        "dry-run: would create pod",
                        metadata: ["pool": "\(spec.id)", "name": "\(name)", "offering": "\(offering)"])
                    continue
                }
                let expectation = CreateExpectation(
                    name: name, offering: offering, pricePerHour: price, attemptedAt: now(), confirmedId: nil)
                memory.withLock { $0.expectations[spec.id, default: []].append(expectation) }
                do {
                    let pod = try await provider.createPod(spec.template.createSpec(name: name, offering: offering))
                    memory.withLock { memory in
                        memory.backoffSeconds = 0
                        if let index = memory.expectations[spec.id]?.firstIndex(where: { $0.name == name }) {
                            memory.expectations[spec.id]?[index].confirmedId = pod.id
                        }
                    }
                    metrics?.recordCreation(pool: spec.id, offering: offering, result: "created")
                    settings.onEvent?(
                        PoolEvent(
                            pool: spec.id, type: "Normal", reason: "PodCreated",
                            message: "created RunPod pod \(name) (\(pod.id)) on \(offering)"))
                    logger.info(
                        "created pod",
                        metadata: [
                            "pool": "\(spec.id)", "id": "\(pod.id)", "name": "\(name)", "offering": "\(offering)",
                        ])
                } catch {
                    let replan = handleCreateError(error, name: name, offering: offering, spec: spec)
                    return replan
                }
            case .terminate(let id, let name, let reason):
                guard settings.canMutate() else { return false }
                if settings.dryRun {
                    logger.notice(
                        "dry-run: would terminate pod",
                        metadata: [
                            "pool": "\(spec.id)", "id": "\(id)", "name": "\(name)", "reason": "\(reason.rawValue)",
                        ])
                    continue
                }
                await terminate(id: id, name: name, reason: reason, pool: "\(spec.id)", poolID: spec.id)
            }
        }
        return false
    }

    private func handleCreateError(_ error: RunPodError, name: String, offering: Offering, spec: PoolSpec) -> Bool {
        let when = now()
        var keepExpectation = false
        var replan = false
        var result = "error"
        switch error.kind {
        case .noCapacity:
            result = "no_capacity"
            replan = true
            memory.withLock {
                $0.unavailableUntil[offering] = when.addingTimeInterval(spec.scaling.unavailableOfferingSeconds)
            }
            metrics?.setOfferingUnavailable(offering, true)
        case .serverError, .transport:
            // The pod may exist: keep the pre-chosen name until a list shows it or not.
            keepExpectation = true
            result = "answer_lost"
            backOff(from: when)
        default:
            if !handleBlockingError(error) { backOff(from: when) }
        }
        if !keepExpectation {
            memory.withLock { $0.expectations[spec.id]?.removeAll { $0.name == name } }
        }
        metrics?.recordCreation(pool: spec.id, offering: offering, result: result)
        settings.onEvent?(
            PoolEvent(
                pool: spec.id, type: "Warning", reason: error.kind == .noCapacity ? "NoCapacity" : "CreateFailed",
                message: "creating \(name) on \(offering) failed: \(error)"))
        logger.warning(
            "create failed",
            metadata: [
                "pool": "\(spec.id)", "name": "\(name)", "offering": "\(offering)", "error": "\(error)",
                "result": "\(result)",
            ])
        return replan
    }

    /// 429 pauses creates; 401/403/402 stop them. True when handled.
    @discardableResult
    private func handleBlockingError(_ error: RunPodError) -> Bool {
        let when = now()
        switch error.kind {
        case .rateLimited:
            let pause = error.retryAfter ?? 10
            memory.withLock { $0.blockedUntil = max($0.blockedUntil ?? when, when.addingTimeInterval(pause)) }
            return true
        case .unauthorized, .forbidden, .paymentRequired:
            let reason = "\(error.kind) (\(error.status.map(String.init) ?? "-")): \(error.message)"
            let alreadyStopped = memory.withLock { memory -> Bool in
                defer { memory.stopped = (reason, when.addingTimeInterval(settings.stopSeconds)) }
                return memory.stopped.map { $0.until > when } ?? false
            }
            if !alreadyStopped {
                logger.error("RunPod refused the account; creates stopped", metadata: ["reason": "\(reason)"])
            }
            return true
        default:
            return false
        }
    }

    private func backOff(from when: Date) {
        memory.withLock { memory in
            memory.backoffSeconds = min(300, max(5, memory.backoffSeconds * 2))
            memory.blockedUntil = when.addingTimeInterval(memory.backoffSeconds)
        }
    }

    private func terminate(
        id podId: String, name: String, reason: TerminationReason, pool: String, poolID: PoolID? = nil
    ) async {
        let id = podId
        memory.withLock { _ = $0.terminating.insert(id) }
        do {
            try await provider.deletePod(id: id)
        } catch  where error.kind == .notFound {
            // Already gone: success.
        } catch {
            memory.withLock { _ = $0.terminating.remove(id) }
            handleBlockingError(error)
            logger.warning(
                "terminate failed",
                metadata: ["pool": "\(pool)", "id": "\(id)", "name": "\(name)", "error": "\(error)"])
            return
        }
        metrics?.recordTermination(pool: pool, reason: reason)
        if let id = poolID {
            settings.onEvent?(
                PoolEvent(
                    pool: id, type: "Normal", reason: "PodTerminated",
                    message: "terminated RunPod pod \(name) (\(podId)): \(reason.rawValue)"))
        }
        logger.info(
            "terminated pod",
            metadata: ["pool": "\(pool)", "id": "\(id)", "name": "\(name)", "reason": "\(reason.rawValue)"])
    }

    private func terminateOrphans(_ orphans: [ObservedPod]) async {
        let firstSeen = memory.withLock { $0.orphanFirstSeen }
        let actions = ReconcilePlanner.planOrphans(
            orphans, firstSeen: firstSeen, graceSeconds: settings.orphanGraceSeconds, now: now())
        for case .terminate(let id, let name, let reason) in actions {
            if settings.dryRun {
                logger.notice("dry-run: would terminate orphan pod", metadata: ["id": "\(id)", "name": "\(name)"])
                continue
            }
            await terminate(id: id, name: name, reason: reason, pool: "orphan")
        }
    }

    // MARK: Prices

    private func refreshCatalogIfNeeded() async {
        let stale = memory.withLock { memory in
            memory.catalogAt.map { now().timeIntervalSince($0) > settings.catalogSeconds } ?? true
        }
        guard stale else { return }
        do {
            let types = try await provider.gpuTypes()
            var prices: [Offering: Double] = [:]
            for type in types {
                for cloud in Cloud.allCases {
                    if let price = type.price(cloud: cloud.rawValue) {
                        prices[Offering(gpuTypeId: type.id, cloud: cloud)] = price
                    }
                }
            }
            memory.withLock {
                $0.gpuPrices = prices
                $0.catalogAt = now()
            }
        } catch {
            logger.warning("cannot read the GPU catalog; keeping the last prices", metadata: ["error": "\(error)"])
            handleBlockingError(error)
            // Try again in 30 s, not on every pass.
            memory.withLock { $0.catalogAt = now().addingTimeInterval(30 - settings.catalogSeconds) }
        }
    }

    /// USD per hour of one pod of each of the pool's offerings.
    private func poolPrices(_ spec: PoolSpec, _ gpuPrices: [Offering: Double]) -> [Offering: Double] {
        var prices: [Offering: Double] = [:]
        for offering in Offering.fallbackOrder(spec.template) {
            if let price = gpuPrices[offering] { prices[offering] = price * Double(spec.template.gpuCount) }
        }
        return prices
    }

    private func price(of offering: Offering, _ spec: PoolSpec) -> Double? {
        memory.withLock { $0.gpuPrices[offering] }.map { $0 * Double(spec.template.gpuCount) }
    }

    // MARK: Reporting

    private func publish(_ spec: PoolSpec, desired: Int, pods: [ObservedPod], plan: ReconcilePlan) {
        var byStatus: [String: Int] = [:]
        for pod in pods where pod.phase != .terminated {
            let known = ["PROVISIONING", "STARTING", "RUNNING", "EXITED", "ERROR"]
            byStatus[known.contains(pod.status) ? pod.status : "OTHER", default: 0] += 1
        }
        let stopped = memory.withLock { $0.stopped.flatMap { $0.until > now() ? $0.reason : nil } }
        let status = PoolReconcileStatus(
            desired: desired, podsByStatus: byStatus, running: pods.filter { $0.phase == .running }.count,
            counted: plan.counted, costPerHour: plan.costPerHour, block: plan.block,
            pods: pods.filter { $0.phase != .terminated },
            stoppedReason: stopped, at: now())
        published.withLock { $0[spec.id] = status }
        metrics?.recordPool(spec.id, desired: desired, podsByStatus: byStatus, costPerHour: plan.costPerHour)
        let unavailable = memory.withLock { $0.unavailableUntil }
        // Every offering of the pool is reported, 0 when usable, so alerts can rely on the series.
        for offering in Offering.fallbackOrder(spec.template) {
            metrics?.setOfferingUnavailable(offering, (unavailable[offering] ?? .distantPast) > now())
        }
    }

    /// Logs a pool's summary when it differs from the last one logged.
    private func logOnce(_ pool: PoolID, _ summary: String) {
        let changed = memory.withLock { memory -> Bool in
            defer { memory.lastSummary[pool] = summary }
            return memory.lastSummary[pool] != summary
        }
        if changed { logger.info("reconcile", metadata: ["pool": "\(pool)", "plan": "\(summary)"]) }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
