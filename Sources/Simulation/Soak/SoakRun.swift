import Decisions
import Foundation
import Primitives

/// One soak sequence: the virtual account, two replicas of the autoscaler
/// (each a real `ReconcileMachine`), two pools, and the random schedule of
/// what goes wrong. `run()` plays the fault steps, then the calm, and stops at
/// the first broken invariant.
struct SoakRun {
    static let ada = "NVIDIA RTX 6000 Ada Generation"
    static let l40s = "NVIDIA L40S"
    static let rtx4090 = "NVIDIA GeForce RTX 4090"
    static let a100 = "NVIDIA A100 80GB PCIe"
    static let basePrices = [ada: 0.69, l40s: 0.79, rtx4090: 0.59, a100: 1.39]
    /// Seconds between passes in the calm (a `runpod.reconcileSeconds` of 10).
    static let calmStepSeconds = 10.0

    let seed: UInt64
    let options: ReconcileSoak.Options
    var random: SplitMix64
    var world: SoakRunPod
    let pools: [PoolSpec]
    /// Whether each pool is in the pass requests (the second may be deleted and come back).
    var active: [Bool]
    /// Pods wanted per pool; missing: no decision, held.
    var desired: [PoolID: Int] = [:]
    var replicas: [SoakReplica]
    /// When each replica's process is up (after a restart it takes a few seconds).
    var upAt: [Double]
    var leader: Int?
    /// No replica leads before this (a lease expiring, or released and re-acquired).
    var vacantUntil = 0.0
    /// A replica that dies in the middle of its next pass.
    var crashArmed: Int?
    /// The leader loses the lease at its next mutating call.
    var leaderLossArmed = false
    var step = 0
    var phase = "faults"
    /// Every name a create was sent with, by any replica.
    var names: Set<String> = []
    /// Pods at RunPod that are neither ours nor another autoscaler-prefixed one: never to be touched.
    let foreignNames: [String]
    var mutatingCalls = 0
    var violation: String?
    /// Set when the run is traced.
    let log: SoakTrace?
    var events: [SoakEvent: Int] = [:]
    var calls: [SoakCall: Int] = [:]
    var peakPods = 0
    var peakDollarsPerHour = 0.0

    init(seed: UInt64, options: ReconcileSoak.Options) {
        self.seed = seed
        self.options = options
        log = options.trace ? SoakTrace() : nil
        var random = SplitMix64(seed: seed)
        let pools = [
            Self.randomPool(PoolID(namespace: "media", name: "burst"), gpus: [Self.ada, Self.l40s], using: &random),
            Self.randomPool(
                PoolID(namespace: "video", name: "encode"), gpus: [Self.rtx4090, Self.a100], using: &random),
        ]
        var capacity: [Offering: Int] = [:]
        for gpu in Self.basePrices.keys.sorted() {
            for cloud in Cloud.allCases {
                capacity[Offering(gpuTypeId: gpu, cloud: cloud)] = Int.random(in: 0...12, using: &random)
            }
        }
        var world = SoakRunPod(catalog: Self.basePrices, capacity: capacity)
        // What a previous process left: pods of the pools, a pod of a pool deleted since, and someone else's pods.
        for spec in pools {
            let first = Offering.fallbackOrder(spec.template)[0]
            let price =
                SoakRunPod.price(secure: Self.basePrices[first.gpuTypeId]!, cloud: first.cloud)
                * Double(spec.template.gpuCount)
            let affordable = spec.maxCostPerHour.map { Int(($0 / price).rounded(.down)) } ?? Int.max
            for _ in 0..<Int.random(in: 0...min(2, spec.maxReplicas, affordable), using: &random) {
                world.place(
                    name: ReconcileSoak.naming.newName(for: spec.id, using: &random), pool: spec.id, offering: first,
                    gpuCount: spec.template.gpuCount, costPerHour: price)
            }
        }
        let retired = ReconcileSoak.naming.newName(for: PoolID(namespace: "media", name: "retired"), using: &random)
        world.place(
            name: retired, pool: nil, offering: Offering(gpuTypeId: Self.ada, cloud: .secure), gpuCount: 1,
            costPerHour: 0.69)
        foreignNames = ["team-b-notebook", "rpa", "rpabatch-media-burst-abcd1234"]
        for name in foreignNames {
            world.place(
                name: name, pool: nil, offering: Offering(gpuTypeId: Self.a100, cloud: .secure), gpuCount: 1,
                costPerHour: 1.39)
        }
        self.pools = pools
        self.world = world
        active = [true, true]
        replicas = (0..<2).map { SoakReplica(index: $0, generation: 0, seed: seed) }
        upAt = [0, 0]
        leader = 0
        for spec in pools { desired[spec.id] = Int.random(in: 0...spec.maxReplicas + 2, using: &random) }
        self.random = random
    }

    /// A pool with random caps, offerings and timers.
    static func randomPool(_ id: PoolID, gpus: [String], using random: inout SplitMix64) -> PoolSpec {
        var spec = PoolSpec(id: id)
        spec.template.image = "worker:1"
        spec.template.gpuTypeIds = Bool.random(using: &random) ? gpus : gpus.reversed()
        spec.template.clouds = [[.secure, .community], [.secure], [.community, .secure]].randomElement(using: &random)!
        spec.template.gpuCount = Int.random(in: 1...2, using: &random)
        spec.maxReplicas = Int.random(in: 0...10, using: &random)
        spec.maxCostPerHour =
            Int.random(in: 0..<4, using: &random) == 0 ? nil : Double(Int.random(in: 1...40, using: &random)) / 4
        spec.scaling.provisionTimeoutSeconds = Double(Int.random(in: 90...300, using: &random))
        spec.scaling.unavailableOfferingSeconds = Double(Int.random(in: 30...180, using: &random))
        spec.scaling.orphanGraceSeconds = Double(Int.random(in: 30...300, using: &random))
        return spec
    }

    var date: Date { ReconcileSoak.epoch.addingTimeInterval(world.now) }

    mutating func run() -> SoakResult {
        note(
            "seed \(seed): "
                + pools.map {
                    "\($0.id) maxReplicas \($0.maxReplicas) maxCostPerHour \($0.maxCostPerHour.map { "\($0)" } ?? "none") "
                        + "offerings \(Offering.fallbackOrder($0.template)) gpuCount \($0.template.gpuCount)"
                }.joined(separator: "; "))
        while step < options.chaosSteps && violation == nil {
            world.now += Double(Int.random(in: 1...12, using: &random))
            note("step \(step) t=\(world.now)s")
            faultEvents()
            passes()
            step += 1
        }
        if violation == nil { calm() }
        return SoakResult(
            seed: seed, violation: violation, trace: log?.lines ?? [], faults: world.injected,
            noCapacityAnswers: world.noCapacityAnswers, notFoundAnswers: world.notFoundAnswers, events: events,
            calls: calls, peakPods: peakPods, peakDollarsPerHour: peakDollarsPerHour, virtualSeconds: world.now)
    }

    /// Hands leadership on once the vacancy is over, then runs a pass on each
    /// replica that is up, in random order. While faults run, a follower
    /// passes at half the leader's rate (its passes only read; they keep its
    /// catalog and orphan sightings as fresh as a real follower's).
    mutating func passes() {
        if leader == nil && world.now >= vacantUntil {
            let up = replicas.indices.filter { upAt[$0] <= world.now }
            if let next = up.randomElement(using: &random) {
                leader = next
                note("  replica \(next) leads")
            }
        }
        let order = Bool.random(using: &random) ? [0, 1] : [1, 0]
        for index in order where upAt[index] <= world.now && violation == nil {
            if phase == "faults" && leader != index && Bool.random(using: &random) { continue }
            pass(index)
        }
    }

    func note(_ line: @autoclosure () -> String) {
        log?.lines.append(line())
    }

    mutating func fail(_ message: String) {
        guard violation == nil else { return }
        violation = "step \(step) (\(phase), t=\(world.now)s): \(message)"
        note("VIOLATION: \(message)")
    }

    mutating func count(_ event: SoakEvent) {
        events[event, default: 0] += 1
    }

    mutating func chance(_ share: Double) -> Bool {
        random.nextUnit() < share
    }
}
