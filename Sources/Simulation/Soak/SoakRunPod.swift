import Decisions
import Foundation
import Primitives

/// RunPod's account on virtual seconds, per the contract in
/// reference/runpod/NOTES.md as far as the reconcile machine meets it: a GPU
/// catalog whose prices change and whose types come and go, a stock per GPU
/// type × cloud, pods PROVISIONING → STARTING → RUNNING (or stuck, or failed),
/// billed at the price of their create, and faults drawn per call from the
/// current regime. Pure: the soak owns the clock and the generator.
struct SoakRunPod: Sendable {
    var now = 0.0
    /// Pods not terminated, ours and others'.
    var pods: [SoakPod] = []
    /// Terminated pods the list still shows as TERMINATED, until the time.
    private(set) var ghosts: [(pod: SoakPod, until: Double)] = []
    /// USD per GPU-hour on Secure Cloud by GPU type; a missing type is out of the catalog.
    var catalog: [String: Double]
    /// GPUs per offering; pods not terminated hold theirs.
    var capacity: [Offering: Int]
    var regime = SoakFaultRegime.calm
    /// Faults injected so far, per call.
    private(set) var injected: [SoakCall: [SoakFault: Int]] = [:]
    /// Failures RunPod gave by itself: a create on a full or uncatalogued offering, a terminate of a pod already gone.
    private(set) var noCapacityAnswers = 0
    private(set) var notFoundAnswers = 0
    private var nextId = 0

    init(catalog: [String: Double], capacity: [Offering: Int]) {
        self.catalog = catalog
        self.capacity = capacity
    }

    /// RunPod's Community price: 0.8 of Secure, to the cent (as the emulator prices it).
    static func price(secure: Double, cloud: Cloud) -> Double {
        cloud == .community ? (secure * 0.8 * 100).rounded() / 100 : secure
    }

    /// USD per hour of one GPU of each offering the catalog lists now.
    var pricesPerGPU: [Offering: Double] {
        var prices: [Offering: Double] = [:]
        for (gpu, secure) in catalog {
            for cloud in Cloud.allCases {
                prices[Offering(gpuTypeId: gpu, cloud: cloud)] = Self.price(secure: secure, cloud: cloud)
            }
        }
        return prices
    }

    /// `GET /v2/pods` now: pods once visible, and recent TERMINATED ones.
    func listed(epoch: Date) -> [ObservedPod] {
        var listed: [ObservedPod] = []
        for pod in pods where pod.visibleAt <= now {
            let status = pod.status(at: now)
            listed.append(
                ObservedPod(
                    id: pod.id, name: pod.name, phase: PodPhase(runPodStatus: status), status: status,
                    offering: pod.offering, costPerHour: pod.billed ? pod.costPerHour : 0,
                    createdAt: epoch.addingTimeInterval(pod.createdAt)))
        }
        for (pod, until) in ghosts where until > now {
            listed.append(
                ObservedPod(
                    id: pod.id, name: pod.name, phase: .terminated, status: "TERMINATED", offering: pod.offering,
                    costPerHour: 0, createdAt: epoch.addingTimeInterval(pod.createdAt)))
        }
        return listed
    }

    /// Places a pod directly (the sequence's starting pods).
    mutating func place(name: String, pool: PoolID?, offering: Offering, gpuCount: Int, costPerHour: Double) {
        nextId += 1
        pods.append(
            SoakPod(
                id: "pod\(nextId)", name: name, pool: pool, offering: offering, gpuCount: gpuCount,
                costPerHour: costPerHour,
                createdAt: now, visibleAt: now, startingAt: now, runningAt: now, failure: nil))
    }

    /// Answers one command: the event the executor would feed back, how long
    /// the call took, and the fault injected (nil when RunPod answered by itself).
    mutating func answer(
        _ command: ReconcileCommand, gpuCount: Int, random: inout SplitMix64
    ) -> (event: ReconcileEvent, seconds: Double, fault: SoakFault?) {
        let call: SoakCall
        switch command {
        case .readCatalog: call = .catalog
        case .listPods: call = .list
        case .create: call = .create
        case .terminate: call = .terminate
        }
        let fault = regime.draw(for: call, using: &random)
        if let fault { injected[call, default: [:]][fault, default: 0] += 1 }
        // A lost answer is a 15 s client timeout or a quick 5xx; anything else is quick.
        let lost = fault == .lostBeforeRunPod || fault == .lostAfterRunPod
        let seconds = lost && Bool.random(using: &random) ? 15 : Double.random(in: 0.02...0.3, using: &random)
        var failure: ReconcileFailure?
        if let fault {
            let retryAfter = Bool.random(using: &random) ? Double(Int.random(in: 1...60, using: &random)) : nil
            failure = fault.failure(retryAfter: retryAfter, refusal: Int.random(in: 0...2, using: &random))
        }

        switch command {
        case .readCatalog:
            if let failure { return (.catalogFailed(failure), seconds, fault) }
            return (.catalogRead(pricesPerGPU: pricesPerGPU), seconds, nil)
        case .listPods:
            if let failure { return (.listFailed(failure), seconds, fault) }
            return (.listed(listed(epoch: ReconcileSoak.epoch)), seconds, nil)
        case .create(let pool, let name, let offering, _):
            if let failure, fault != .lostAfterRunPod { return (.createFailed(failure), seconds, fault) }
            guard let made = create(name: name, pool: pool, offering: offering, gpuCount: gpuCount, random: &random)
            else {
                noCapacityAnswers += 1
                let full = ReconcileFailure(.noCapacity, detail: "400: There are no longer any instances available")
                return (.createFailed(full), seconds, fault)
            }
            if let failure { return (.createFailed(failure), seconds, fault) }
            return (.created(podId: made), seconds, nil)
        case .terminate(_, let id, _, _):
            if let failure, fault != .lostAfterRunPod { return (.terminateFailed(failure), seconds, fault) }
            guard terminate(id: id, random: &random) else {
                if let failure { return (.terminateFailed(failure), seconds, fault) }
                notFoundAnswers += 1
                return (.terminateFailed(ReconcileFailure(.notFound, detail: "404: pod not found")), seconds, nil)
            }
            if let failure { return (.terminateFailed(failure), seconds, fault) }
            return (.terminated, seconds, nil)
        }
    }

    /// GPUs of an offering held by pods not terminated.
    func used(_ offering: Offering) -> Int {
        pods.reduce(0) { $0 + ($1.offering == offering ? $1.gpuCount : 0) }
    }

    /// Makes the pod if the catalog lists its GPU type and the offering has the GPUs; returns its id.
    private mutating func create(
        name: String, pool: PoolID, offering: Offering, gpuCount: Int, random: inout SplitMix64
    ) -> String? {
        guard let secure = catalog[offering.gpuTypeId], used(offering) + gpuCount <= capacity[offering] ?? 0 else {
            return nil
        }
        nextId += 1
        let stuck = random.nextUnit() < regime.stuckShare
        let startingAt = now + Double.random(in: 1...40, using: &random)
        let pod = SoakPod(
            id: "pod\(nextId)", name: name, pool: pool, offering: offering, gpuCount: gpuCount,
            costPerHour: Self.price(secure: secure, cloud: offering.cloud) * Double(gpuCount), createdAt: now,
            visibleAt: now + Double.random(in: 0...regime.listLagSeconds, using: &random),
            startingAt: stuck ? .infinity : startingAt,
            runningAt: stuck ? .infinity : startingAt + Double.random(in: 1...20, using: &random), failure: nil)
        pods.append(pod)
        return pod.id
    }

    /// Ends the pod; some stay listed as TERMINATED for a few seconds. False when there is no such pod.
    private mutating func terminate(id: String, random: inout SplitMix64) -> Bool {
        guard let index = pods.firstIndex(where: { $0.id == id }) else { return false }
        let pod = pods.remove(at: index)
        ghosts.removeAll { $0.until <= now }
        if Bool.random(using: &random) { ghosts.append((pod, now + Double.random(in: 1...20, using: &random))) }
        return true
    }
}
