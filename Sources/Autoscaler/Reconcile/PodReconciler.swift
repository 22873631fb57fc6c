import Decisions
import Foundation
import Logging
import RunPodAPI
import Synchronization

/// Makes each pool's RunPod pods match its desired count. A thin executor:
/// the pure `ReconcileMachine` decides, this class makes the RunPod call each
/// step names, feeds the answer back, and turns the machine's reports into
/// logs, metrics and Kubernetes Events.
public final class PodReconciler: Sendable {
    public struct Settings: Sendable {
        public var naming: PodNaming
        public var interval: Duration = .seconds(5)
        public var dryRun = false
        /// Orphans of pools this process never saw are terminated after this grace.
        public var orphanGraceSeconds: Double = 300
        /// Whether this replica may create and terminate now (the leader, in
        /// Kubernetes mode). Checked before every pass and every action.
        public var canMutate: @Sendable () -> Bool = { true }
        /// Whether the set of pools is known (Kubernetes mode: the cluster was
        /// read); until then no pod is treated as an orphan.
        public var poolsKnown: @Sendable () -> Bool = { true }
        /// RunPod calls per minute, all pools together, when answers carry no `RateLimit` headers.
        public var requestsPerMinute = 60
        /// Scale actions worth recording (Kubernetes Events).
        public var onEvent: (@Sendable (PoolEvent) -> Void)?
        /// Pools being deleted (Kubernetes mode): their pods go at once.
        public var deleting: @Sendable () -> Set<PoolID> = { [] }
        /// A deleted pool has nothing left at RunPod (its finalizer may go);
        /// awaited before the pass goes on.
        public var onPoolDrained: (@Sendable (PoolID) async -> Void)?
        /// Attach: the autoscaler's SSH public key (`ssh-ed25519 AAAA…`), sent as `env.PUBLIC_KEY` to pods of
        /// pools with `attach.ssh`.
        public var attachPublicKey: String?
        /// Attach: RUNNING pods whose tunnel failed; they are replaced like failed pods.
        public var tunnelFailed: @Sendable () -> Set<String> = { [] }
        /// Runs once after the first pass (`serve` counts it as a start-up milestone, `StartupSettling`,
        /// after which start-up's memory is given back).
        public var afterFirstPass: @Sendable () -> Void = {}

        public init(naming: PodNaming) {
            self.naming = naming
        }
    }

    private let provider: any PodProvider
    let store: ScalerStateStore
    let metrics: AutoscalerMetrics?
    let settings: Settings
    let logger: Logger
    let now: @Sendable () -> Date
    private let desired: @Sendable (PoolSpec, ScalerSnapshot) -> Int?
    private let machine: Mutex<ReconcileMachine>
    /// When the client saw the rate-limit reading last handed to the machine: an answer without headers
    /// leaves the client's reading as it was, and it must not count twice.
    private let lastReadingSeen = Mutex<Date?>(nil)
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

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
        var machineSettings = ReconcileMachine.Settings(naming: settings.naming)
        machineSettings.dryRun = settings.dryRun
        machineSettings.orphanGraceSeconds = settings.orphanGraceSeconds
        machineSettings.requestsPerMinute = settings.requestsPerMinute
        machine = Mutex(ReconcileMachine(settings: machineSettings))
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// The last pass's view of each pool.
    public var status: [PoolID: PoolReconcileStatus] { machine.withLock { $0.state.status } }

    /// Why the reconciler is not healthy, for `/readyz`.
    public var problems: [String] { machine.withLock { $0.problems(at: now()) } }

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
                let first = desiredCounts()
                // The last pass's desired counts as a hash: the table itself is 82 KB at 1,000 pools, held
                // between passes for one comparison (a collision only puts a pass off to the interval).
                var lastDesired = first.hashValue
                await pass(desired: first)
                var releasedAt = now()
                settings.afterFirstPass()
                for await _ in wakes {
                    if Task.isCancelled { break }
                    let current = desiredCounts()
                    let currentHash = current.hashValue
                    // Snapshot ticks without a change in desired do not need a pass.
                    if currentHash == lastDesired, !intervalElapsed() { continue }
                    lastDesired = currentHash
                    await pass(desired: current)
                    if Self.releasesFreePages(now: now(), lastReleased: releasedAt) {
                        releasedAt = now()
                        FreeHeapPages.release()
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Whole free heap pages go back to the system after a pass at most every `freePagesSeconds`
    /// (start-up's garbage goes with `StartupMemoryRelease`): a pass over 1,000 pools builds and
    /// drops a megabyte of tables, which the passes in between reuse rather than fault in again
    /// (returned after every pass, they cost about a millisecond a pass at 1,000 pods).
    static func releasesFreePages(now: Date, lastReleased: Date) -> Bool {
        now.timeIntervalSince(lastReleased) >= freePagesSeconds
    }

    static let freePagesSeconds: Double = 60

    private func desiredCounts() -> [PoolID: Int] {
        let snapshot = store.snapshot
        let pools = store.inputs.pools
        var counts: [PoolID: Int] = [:]
        counts.reserveCapacity(pools.count)
        for spec in pools {
            if let count = desired(spec, snapshot) { counts[spec.id] = count }
        }
        return counts
    }

    private func intervalElapsed() -> Bool {
        guard let last = machine.withLock({ $0.state.lastListAt }) else { return true }
        return now().timeIntervalSince(last) >= settings.interval.seconds
    }

    /// One reconcile pass over every pool. Public for tests.
    public func pass() async {
        await pass(desired: desiredCounts())
    }

    /// One pass toward the desired counts the caller already read.
    private func pass(desired: [PoolID: Int]) async {
        // Only the leader calls RunPod (one rate budget, one writer); a follower
        // counts the pods the leader's RunPodPool status names.
        guard settings.canMutate() else {
            if !store.inputs.runpodPods.isEmpty {
                store.update(now: now()) { inputs in
                    inputs.runpodPods = [:]
                    inputs.runpodRunning = [:]
                }
            }
            return
        }
        let started = ContinuousClock.now
        defer { metrics?.recordReconcile(seconds: (ContinuousClock.now - started).seconds) }
        let pools = store.inputs.pools
        let request = ReconcilePassRequest(
            pools: pools, desired: desired, mayAct: settings.canMutate(), poolsKnown: settings.poolsKnown(),
            deleting: settings.deleting(), tunnelFailed: settings.tunnelFailed())
        var step = machine.withLock { $0.startPass(request, now: now()) }
        // A pool is re-planned within a pass after a no-capacity answer: its
        // gauges show the pass's last plan, never a plan the pass overtook.
        var lastPlans: [PoolID: ReconcileReport] = [:]
        defer {
            report(Array(lastPlans.values))
            let stopped = machine.withLock { $0.state.stopped(at: now()) != nil }
            metrics?.setCreatesStopped(stopped)
        }
        while true {
            for item in step.reports { if case .planned(let pool, _, _) = item { lastPlans[pool] = item } }
            report(step.reports.filter { if case .planned = $0 { false } else { true } })
            for case .poolDrained(let pool) in step.reports { await settings.onPoolDrained?(pool) }
            guard let command = step.command else { return }
            let event = await perform(command, pools: pools)
            let reading = freshReading()
            step = machine.withLock { $0.handle(event, rateLimit: reading, now: now()) }
        }
    }

    /// The client's rate-limit reading if the last answer brought a new one, timed on this reconciler's clock.
    private func freshReading() -> RateLimitReading? {
        guard let latest = provider.rateLimit else { return nil }
        let isNew = lastReadingSeen.withLock { seen in
            defer { seen = latest.observedAt }
            return seen != latest.observedAt
        }
        return isNew ? latest.reading(at: now()) : nil
    }

    /// Makes one RunPod call and describes its answer as an event.
    private func perform(_ command: ReconcileCommand, pools: [PoolSpec]) async -> ReconcileEvent {
        if command.mutates && !settings.canMutate() { return .notPermitted }
        switch command {
        case .readCatalog:
            do {
                return .catalogRead(pricesPerGPU: try await provider.gpuTypes().pricesPerGPU)
            } catch {
                return .catalogFailed(error.reconcileFailure)
            }
        case .listPods:
            do {
                return .listed(try await provider.listPods().map(\.observed))
            } catch {
                return .listFailed(error.reconcileFailure)
            }
        case .create(let pool, let name, let offering, _):
            guard let spec = pools.first(where: { $0.id == pool }) else { return .notPermitted }
            do {
                let pod = try await provider.createPod(
                    spec.template.createSpec(name: name, offering: offering, publicKey: settings.attachPublicKey))
                return .created(podId: pod.id)
            } catch {
                return .createFailed(error.reconcileFailure)
            }
        case .terminate(_, let id, _, _):
            do {
                try await provider.deletePod(id: id)
                return .terminated
            } catch {
                return .terminateFailed(error.reconcileFailure)
            }
        }
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
