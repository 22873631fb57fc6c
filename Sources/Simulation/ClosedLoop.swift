import Decisions
import Foundation
import Primitives

/// One strategy over one trace, second by second on virtual time: jobs
/// arrive and wait, workers serve them, the demand reading is taken every
/// poll, the real `ScalingPolicy` decides, and the real `ReconcileMachine`
/// creates and terminates pods in a `VirtualRunPod`. No threads, no sleeps.
struct ClosedLoop {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    let trace: Trace
    let settings: SimulationSettings
    let kind: StrategyKind
    private var random: SplitMix64
    private var runpod: VirtualRunPod
    private var machine: ReconcileMachine
    private var pool: PoolSpec
    private var local: Int
    private var memory = PolicyMemory()
    /// Set for the clairvoyant strategy, which follows it instead of the policy.
    private var schedule: ClairvoyantSchedule?
    private var desired = 0
    private var queue: [Double] = []
    private var queueHead = 0
    private var workers: [Worker] = []
    /// Pods that have a worker, and the earliest time a pod without one becomes RUNNING.
    private var activated: Set<String> = []
    private var nextActivation = Double.infinity
    private var latency: LatencyWindow
    /// Arrivals per second over the last `rateWindow` seconds, for `rate(…[2m])`.
    private var arrivalsBySecond: [Int]
    private var arrivalsInWindow = 0
    private var totals = StrategyTotals()
    private var timeline: [MinuteSample] = []

    init(trace: Trace, settings: SimulationSettings, kind: StrategyKind, seed: UInt64) {
        self.trace = trace
        self.settings = settings
        self.kind = kind
        random = SplitMix64(seed: seed)
        pool = settings.pool
        local = settings.localGPUs
        var price: Double?
        var provisioning = settings.provisioningSeconds
        var interruptions = 0.0
        switch kind {
        case .policy: break
        case .otherMode(let mode): pool.scaling.mode = mode
        case .burstOnly: local = 0
        case .localOnly: pool.maxReplicas = 0
        case .clairvoyant:
            let cap = ScalingPolicy.burstCap(spec: settings.pool, podPrice: Simulator.podPrice(settings))
            schedule = ClairvoyantSchedule(trace: trace, settings: settings, local: local, cap: cap)
        case .before:
            local = 0
            price = settings.before.dollarsPerHour
            provisioning = settings.before.provisioningSeconds
            interruptions = settings.before.interruptionsPerHour
        }
        runpod = VirtualRunPod(
            settings: settings, priceOverride: price, provisioning: provisioning, interruptionsPerHour: interruptions)
        machine = ReconcileMachine(
            settings: ReconcileMachine.Settings(naming: PodNaming(prefix: "sim")),
            random: SplitMix64(seed: seed ^ 0x5EED))
        latency = LatencyWindow(windowSeconds: settings.latencyWindowSeconds)
        arrivalsBySecond = Array(repeating: 0, count: max(1, settings.arrivalRateWindowSeconds))
        workers = Array(repeating: Worker(), count: local)
    }

    /// Runs the whole trace.
    mutating func run() -> StrategyResult {
        let duration = Int(trace.durationSeconds.rounded(.up))
        let poll = max(1, Int(settings.pollSeconds.rounded()))
        let reconcile = max(1, Int(settings.reconcileSeconds.rounded()))
        var minuteArrivals = 0
        var minuteCreates = (runpod.creates, runpod.terminates)
        var step = -1
        var stepArrivals: [Double] = []
        var next = 0
        for second in 0..<duration {
            let now = Double(second)
            let currentStep = Int(now / trace.stepSeconds)
            if currentStep != step {
                step = currentStep
                stepArrivals = arrivals(inStep: step)
                next = 0
            }
            let slot = second % arrivalsBySecond.count
            arrivalsInWindow -= arrivalsBySecond[slot]
            arrivalsBySecond[slot] = 0
            while next < stepArrivals.count && stepArrivals[next] < now + 1 {
                arrivalsBySecond[slot] += 1
                arrivalsInWindow += 1
                queue.append(stepArrivals[next])
                next += 1
                minuteArrivals += 1
                totals.jobsArrived += 1
            }
            if now >= nextActivation { syncPodWorkers(now: now) }
            serve(until: now + 1)
            if second % poll == 0 || schedule != nil { decide(now: now) }
            // Local only never has a pod: its passes would list an empty account.
            if second % reconcile == 0 && kind != .localOnly { reconcilePass(now: now) }
            for ended in runpod.interrupt(now: now, seconds: 1, random: &random) { removeWorker(podId: ended) }
            if second % 60 == 59 || second == duration - 1 {
                sample(minute: second / 60, now: now + 1, arrivals: minuteArrivals, since: minuteCreates)
                minuteArrivals = 0
                minuteCreates = (runpod.creates, runpod.terminates)
            }
        }
        let end = Double(duration)
        totals.burstDollars = runpod.dollars(at: end)
        totals.podHours = runpod.podHours(at: end)
        totals.creates = runpod.creates
        totals.terminates = runpod.terminates
        let servers = (Double(local) / Double(max(1, settings.localGPUsPerServer))).rounded(.up)
        totals.localDollars = servers * settings.localServerDollarsPerMonth * end / (30 * 86_400)
        return StrategyResult(name: kind.name, summary: summary, totals: totals, timeline: timeline)
    }

    private var summary: String {
        switch kind {
        case .policy:
            "the configured policy (\(pool.scaling.mode.rawValue) mode): \(local) local GPUs first, RunPod pods as burst"
        case .otherMode(let mode): "the same pool in \(mode.rawValue) mode"
        case .burstOnly: "the same policy without local servers: RunPod pods only"
        case .localOnly: "the \(local) local GPUs alone, no burst"
        case .clairvoyant:
            "knows the future: the pods the SLO needs at each step's arrival rate (M/G/c), created "
                + "\(Int(schedule?.leadSeconds ?? 0)) s ahead, kept through shorter dips"
        case .before:
            "before: \(settings.before.label) at $\(String(format: "%.2f", settings.before.dollarsPerHour))/h, "
                + "\(settings.before.interruptionsPerHour) interruptions per instance-hour"
        }
    }

    /// The step's jobs at uniform random times within it (a fractional count rounds at random).
    private mutating func arrivals(inStep step: Int) -> [Double] {
        guard step < trace.arrivals.count else { return [] }
        let expected = max(0, trace.arrivals[step])
        var count = Int(expected)
        if Double.random(in: 0..<1, using: &random) < expected - Double(count) { count += 1 }
        let start = Double(step) * trace.stepSeconds
        return (0..<count).map { _ in start + Double.random(in: 0..<trace.stepSeconds, using: &random) }.sorted()
    }

    // MARK: Workers

    /// Pods that reached RUNNING become workers; checked only when one is due.
    private mutating func syncPodWorkers(now: Double) {
        nextActivation = .infinity
        for pod in runpod.pods where !activated.contains(pod.id) {
            if pod.runningAt <= now {
                activated.insert(pod.id)
                workers.append(Worker(podId: pod.id))
            } else {
                nextActivation = min(nextActivation, pod.runningAt)
            }
        }
    }

    /// A pod went away: its worker stops, and its job goes back to the head of the queue (not acknowledged).
    private mutating func removeWorker(podId: String) {
        activated.remove(podId)
        guard let index = workers.firstIndex(where: { $0.podId == podId }) else { return }
        if let arrival = workers[index].jobArrival {
            if queueHead > 0 {
                queueHead -= 1
                queue[queueHead] = arrival
            } else {
                queue.insert(arrival, at: 0)
            }
        }
        workers.remove(at: index)
    }

    /// Finishes jobs and starts waiting ones on free workers, up to `time`.
    private mutating func serve(until time: Double) {
        for index in workers.indices {
            while true {
                var free = time - 1
                if let until = workers[index].busyUntil {
                    guard until <= time else { break }
                    let arrival = workers[index].jobArrival ?? until
                    latency.record(latency: until - arrival, at: until)
                    totals.jobsServed += 1
                    workers[index].busyUntil = nil
                    workers[index].jobArrival = nil
                    free = until
                }
                guard queueHead < queue.count, queue[queueHead] < time else { break }
                let arrival = queue[queueHead]
                queueHead += 1
                let start = max(free, arrival)
                totals.worstWaitSeconds = max(totals.worstWaitSeconds, start - arrival)
                workers[index].jobArrival = arrival
                workers[index].busyUntil = start + settings.serviceSeconds.sample(using: &random)
            }
        }
        if queueHead > 4096 && queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
    }

    private var waiting: Int { queue.count - queueHead }
    private var busy: Int { workers.filter { $0.busyUntil != nil }.count }

    // MARK: Decisions

    /// The demand reading (Kafka lag: waiting plus in-progress jobs, and the p95) through the real policy.
    private mutating func decide(now: Double) {
        if let schedule {
            desired = schedule.desired(at: now)
            return
        }
        let date = Self.epoch.addingTimeInterval(now)
        let window = Double(min(arrivalsBySecond.count, Int(now) + 1))
        let reading = DemandReading(
            queueDepth: waiting + busy, latencyP95Seconds: latency.quantile(0.95, at: now), readAt: date,
            arrivalsPerSecond: Double(arrivalsInWindow) / window)
        let running = runpod.running(at: now)
        let price = Offering.fallbackOrder(pool.template).first.flatMap { runpod.catalog[$0] }
        let input = PolicyInput(
            demand: reading, local: LocalCapacity(gpus: local, usedByOthers: 0), servingWorkers: local + running,
            podPricePerHour: price.map { $0 * Double(pool.template.gpuCount) }, now: date)
        let decision = ScalingPolicy.decide(spec: pool, input: input, memory: memory)
        memory = decision.memory
        desired = decision.burst
    }

    /// One reconcile pass of the real machine against the virtual account.
    private mutating func reconcilePass(now: Double) {
        let date = Self.epoch.addingTimeInterval(now)
        var step = machine.startPass(ReconcilePassRequest(pools: [pool], desired: [pool.id: desired]), now: date)
        while let command = step.command {
            let event: ReconcileEvent
            switch command {
            case .readCatalog: event = .catalogRead(pricesPerGPU: runpod.catalog)
            case .listPods: event = .listed(runpod.observed(at: now, epoch: Self.epoch))
            case .create(_, let name, let offering, _):
                event = runpod.create(
                    name: name, offering: offering, gpuCount: pool.template.gpuCount, now: now, random: &random)
            case .terminate(_, let id, _, _):
                removeWorker(podId: id)
                event = runpod.terminate(id: id, now: now)
            }
            step = machine.handle(event, now: date)
        }
        syncPodWorkers(now: now)
    }

    // MARK: Output

    private mutating func sample(minute: Int, now: Double, arrivals: Int, since: (Int, Int)) {
        let p95 = latency.quantile(0.95, at: now)
        if p95 > pool.scaling.latencySLOSeconds { totals.sloMinutes += 1 }
        let running = runpod.running(at: now)
        timeline.append(
            MinuteSample(
                minute: minute, arrivals: arrivals, queue: waiting, p95Seconds: p95,
                localBusy: workers.filter { $0.podId == nil && $0.busyUntil != nil }.count,
                podsPending: runpod.pods.count - running, podsRunning: running, dollarsPerHour: runpod.dollarsPerHour,
                cumulativeDollars: runpod.dollars(at: now), creates: runpod.creates - since.0,
                terminates: runpod.terminates - since.1))
    }
}
