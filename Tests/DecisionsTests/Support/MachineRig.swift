import Foundation
import Primitives

@testable import Decisions

/// Drives a `ReconcileMachine` against a tiny in-memory RunPod account on a
/// hand-moved clock: no threads, sockets or sleeps. Calls are recorded and
/// failures are injected one shot at a time, per kind of call.
struct MachineRig {
    enum Call: Hashable { case catalog, list, create, terminate }

    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let ada = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .secure)
    static let l40s = Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure)
    static let prices: [Offering: Double] = [ada: 0.69, l40s: 0.79]

    var machine: ReconcileMachine
    var now = t0
    var pool: PoolSpec
    /// The account's pods, ours and others'.
    var pods: [ObservedPod] = []
    var calls: [ReconcileCommand] = []
    var reports: [ReconcileReport] = []
    /// One-shot failures, used in order, per kind of call.
    var failures: [Call: [ReconcileFailure]] = [:]
    /// Whether a create whose answer is lost made its pod anyway.
    var lostCreatesMakePods = true
    /// The `RateLimit` headers each answer carries (nil: none).
    var rateLimit: ((ReconcileCommand) -> RateLimitReading?)?
    /// The catalog now; a pod is billed at its create's catalog price, whatever the machine believed.
    var prices = Self.prices
    private var nextId = 0

    init(
        pool: PoolSpec = Self.defaultPool(), dryRun: Bool = false, orphanGraceSeconds: Double = 300,
        requestsPerMinute: Int? = nil
    ) {
        var settings = ReconcileMachine.Settings(naming: PodNaming(prefix: "rpa"))
        settings.requestsPerMinute = requestsPerMinute
        settings.dryRun = dryRun
        settings.orphanGraceSeconds = orphanGraceSeconds
        machine = ReconcileMachine(settings: settings, random: SplitMix64(seed: 11))
        self.pool = pool
    }

    static func defaultPool() -> PoolSpec {
        var pool = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        pool.template.image = "worker:1"
        pool.template.gpuTypeIds = [ada.gpuTypeId, l40s.gpuTypeId]
        pool.template.clouds = [.secure]
        pool.scaling.unavailableOfferingSeconds = 60
        return pool
    }

    mutating func fail(_ call: Call, _ kind: ReconcileFailure.Kind, retryAfter: Double? = nil, times: Int = 1) {
        for _ in 0..<times {
            failures[call, default: []].append(
                ReconcileFailure(kind, detail: "injected \(kind)", retryAfterSeconds: retryAfter))
        }
    }

    /// One whole pass; returns the calls it made.
    @discardableResult
    mutating func pass(
        desired: Int?, pools: [PoolSpec]? = nil, mayAct: Bool = true, poolsKnown: Bool = true,
        deleting: Set<PoolID> = [], tunnelFailed: Set<String> = [], wanted byPool: [PoolID: Int]? = nil,
        permitted: (ReconcileCommand) -> Bool = { _ in true }
    ) -> [ReconcileCommand] {
        let pools = pools ?? [pool]
        var wanted: [PoolID: Int] = byPool ?? [:]
        if let desired { wanted[pool.id] = desired }
        let request = ReconcilePassRequest(
            pools: pools, desired: wanted, mayAct: mayAct, poolsKnown: poolsKnown, deleting: deleting,
            tunnelFailed: tunnelFailed)
        var step = machine.startPass(request, now: now)
        var made: [ReconcileCommand] = []
        reports += step.reports
        while let command = step.command {
            made.append(command)
            let event = permitted(command) ? answer(command) : .notPermitted
            step = machine.handle(event, rateLimit: rateLimit?(command), now: now)
            reports += step.reports
        }
        calls += made
        return made
    }

    mutating func advance(_ seconds: Double) {
        now = now.addingTimeInterval(seconds)
    }

    /// Our pool's pods that are not terminated.
    var live: [ObservedPod] { pods.filter { $0.phase != .terminated && $0.name.hasPrefix("rpa-media-burst-") } }

    private mutating func takeFailure(_ call: Call) -> ReconcileFailure? {
        guard var queue = failures[call], !queue.isEmpty else { return nil }
        let failure = queue.removeFirst()
        failures[call] = queue
        return failure
    }

    private mutating func answer(_ command: ReconcileCommand) -> ReconcileEvent {
        switch command {
        case .readCatalog:
            if let failure = takeFailure(.catalog) { return .catalogFailed(failure) }
            return .catalogRead(pricesPerGPU: prices)
        case .listPods:
            if let failure = takeFailure(.list) { return .listFailed(failure) }
            return .listed(pods)
        case .create(_, let name, let offering, let price):
            let failure = takeFailure(.create)
            if failure == nil || (failure?.kind == .answerLost && lostCreatesMakePods) {
                nextId += 1
                pods.append(
                    ObservedPod(
                        id: "pod\(nextId)", name: name, phase: .pending, status: "PROVISIONING", offering: offering,
                        costPerHour: (prices[offering] ?? price) * Double(pool.template.gpuCount), createdAt: now))
            }
            if let failure { return .createFailed(failure) }
            return .created(podId: "pod\(nextId)")
        case .terminate(_, let id, _, _):
            if let failure = takeFailure(.terminate) { return .terminateFailed(failure) }
            pods.removeAll { $0.id == id }
            return .terminated
        }
    }
}
