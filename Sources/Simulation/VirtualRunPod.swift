import Decisions
import Foundation

/// RunPod on virtual time, reduced to what the closed loop needs: pods move
/// PROVISIONING → STARTING → RUNNING after drawn delays, capacity may run
/// out, creates may lose their answer, spot-style interruptions may end a
/// pod, and every pod is billed per second from create to terminate.
struct VirtualRunPod {
    var pods: [VirtualPod] = []
    /// USD billed for pods already gone, and pod-seconds.
    private(set) var billedDollars = 0.0
    private(set) var podSeconds = 0.0
    private(set) var creates = 0
    private(set) var terminates = 0
    private var nextId = 0
    let settings: SimulationSettings
    /// Price per hour of one pod, overriding the catalog (the "before" comparator).
    let priceOverride: Double?
    let provisioning: Distribution
    let interruptionsPerHour: Double

    init(settings: SimulationSettings, priceOverride: Double?, provisioning: Distribution, interruptionsPerHour: Double)
    {
        self.settings = settings
        self.priceOverride = priceOverride
        self.provisioning = provisioning
        self.interruptionsPerHour = interruptionsPerHour
        var prices: [Offering: Double] = [:]
        for (gpu, price) in settings.gpuPrices {
            for cloud in Cloud.allCases { prices[Offering(gpuTypeId: gpu, cloud: cloud)] = priceOverride ?? price }
        }
        catalog = prices
    }

    /// USD per hour of one GPU of each offering (fixed for the run).
    let catalog: [Offering: Double]

    func observed(at now: Double, epoch: Date) -> [ObservedPod] {
        pods.map { pod in
            let status = pod.status(at: now)
            return ObservedPod(
                id: pod.id, name: pod.name, phase: PodPhase(runPodStatus: status), status: status,
                offering: pod.offering, costPerHour: pod.pricePerHour,
                createdAt: epoch.addingTimeInterval(pod.createdAt))
        }
    }

    /// What RunPod answers to a create.
    mutating func create(
        name: String, offering: Offering, gpuCount: Int, now: Double, random: inout some RandomNumberGenerator
    ) -> ReconcileEvent {
        let gpu = offering.gpuTypeId
        let blocked = settings.noCapacity.contains {
            $0.gpuTypeId == gpu && $0.fromSeconds <= now && now < $0.toSeconds
        }
        let used = pods.filter { $0.offering.gpuTypeId == gpu }.count * gpuCount
        if blocked || settings.capacity[gpu].map({ used + gpuCount > $0 }) == true {
            return .createFailed(ReconcileFailure(.noCapacity, detail: "no capacity for \(gpu)"))
        }
        let lost =
            settings.createFailureShare > 0 && Double.random(in: 0..<1, using: &random) < settings.createFailureShare
        if lost && Bool.random(using: &random) {
            return .createFailed(ReconcileFailure(.answerLost, detail: "answer lost; no pod made"))
        }
        nextId += 1
        creates += 1
        let price = (priceOverride ?? settings.gpuPrices[gpu] ?? 0) * Double(gpuCount)
        let startingAt = now + provisioning.sample(using: &random)
        let runningAt = startingAt + settings.startingSeconds.sample(using: &random)
        let pod = VirtualPod(
            id: "pod\(nextId)", name: name, offering: offering, pricePerHour: price, createdAt: now,
            startingAt: startingAt, runningAt: runningAt)
        pods.append(pod)
        if lost { return .createFailed(ReconcileFailure(.answerLost, detail: "answer lost; the pod was made")) }
        return .created(podId: pod.id)
    }

    /// Terminates a pod (already gone: not found), closing its bill.
    mutating func terminate(id: String, now: Double) -> ReconcileEvent {
        guard let index = pods.firstIndex(where: { $0.id == id }) else {
            return .terminateFailed(ReconcileFailure(.notFound, detail: "no pod \(id)"))
        }
        close(pods.remove(at: index), at: now)
        terminates += 1
        return .terminated
    }

    /// Spot-style interruptions of running pods during `seconds`; returns the ids that ended.
    mutating func interrupt(now: Double, seconds: Double, random: inout some RandomNumberGenerator) -> [String] {
        guard interruptionsPerHour > 0 else { return [] }
        let chance = interruptionsPerHour * seconds / 3600
        var ended: [VirtualPod] = []
        pods.removeAll { pod in
            guard pod.runningAt <= now, Double.random(in: 0..<1, using: &random) < chance else { return false }
            ended.append(pod)
            return true
        }
        for pod in ended { close(pod, at: now) }
        return ended.map(\.id)
    }

    private mutating func close(_ pod: VirtualPod, at now: Double) {
        let seconds = max(0, now - pod.createdAt)
        podSeconds += seconds
        billedDollars += pod.pricePerHour * seconds / 3600
    }

    /// USD billed up to `now`, including pods still alive.
    func dollars(at now: Double) -> Double {
        billedDollars + pods.reduce(0) { $0 + $1.pricePerHour * max(0, now - $1.createdAt) / 3600 }
    }

    func podHours(at now: Double) -> Double {
        (podSeconds + pods.reduce(0) { $0 + max(0, now - $1.createdAt) }) / 3600
    }

    /// Pods RUNNING at `now`.
    func running(at now: Double) -> Int {
        pods.reduce(0) { $0 + ($1.runningAt <= now ? 1 : 0) }
    }

    var dollarsPerHour: Double { pods.reduce(0) { $0 + $1.pricePerHour } }
}
