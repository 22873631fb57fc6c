import Decisions

extension SoakRun {
    /// Before a create or terminate reaches RunPod: each name is sent once, a
    /// create fills a real gap, and a terminate has the reason it names.
    mutating func checkBefore(_ command: ReconcileCommand, request: ReconcilePassRequest, listedAt: Double) {
        switch command {
        case .create(let pool, let name, _, _):
            guard names.insert(name).inserted else { return fail("create \(name) sent a second time") }
            guard let spec = pools.first(where: { $0.id == pool }), request.pools.contains(spec),
                let wanted = request.desired[pool]
            else { return fail("create \(name) for \(pool), which the pass has no desired count for") }
            let target = min(max(0, wanted), spec.maxReplicas)
            let timeout = spec.scaling.provisionTimeoutSeconds
            let healthy = world.pods.reduce(0) {
                $0 + ($1.pool == pool && $1.healthy(at: world.now, provisionTimeout: timeout) ? 1 : 0)
            }
            if healthy >= target {
                fail(
                    "duplicate: create \(name) while RunPod already has \(healthy) healthy pods of \(pool) (target \(target))"
                )
            }
        case .terminate(let pool, let id, let name, let reason):
            guard ReconcileSoak.naming.owns(name) else { return fail("terminate of \(name), which is not ours") }
            guard let pod = world.pods.first(where: { $0.id == id }) else { return }
            switch reason {
            case .orphan:
                if let owner = pod.pool, request.pools.contains(where: { $0.id == owner }) {
                    fail("\(name) of the live pool \(owner) terminated as an orphan")
                }
            case .failed:
                if pod.failure == nil { fail("\(name) terminated as failed while \(pod.status(at: world.now))") }
            case .provisionTimeout:
                guard let spec = pools.first(where: { $0.id == pool }) else {
                    return fail("timeout of \(name) without a pool")
                }
                if pod.runningAt <= listedAt || world.now - pod.createdAt <= spec.scaling.provisionTimeoutSeconds {
                    fail("\(name) terminated for its provision timeout, age \(world.now - pod.createdAt)s")
                }
            case .scaleDown:
                guard let pool, let spec = pools.first(where: { $0.id == pool }), let wanted = request.desired[pool]
                else {
                    return fail("scale-down of \(name) without a desired count")
                }
                checkScaleDown(name, spec: spec, target: min(max(0, wanted), spec.maxReplicas))
            case .poolDeleted:
                if let pool, !request.deleting.contains(pool) {
                    fail("\(name) terminated for its pool's deletion while \(pool) is not being deleted")
                }
            }
        case .readCatalog, .listPods:
            break
        }
    }

    /// A scale-down is owed: more pods than the target, or over budget, counting
    /// creates the leader cannot yet rule out (a lost answer).
    private mutating func checkScaleDown(_ name: String, spec: PoolSpec, target: Int) {
        var live = 0
        var cost = 0.0
        for pod in world.pods where pod.pool == spec.id && pod.failure == nil {
            live += 1
            cost += pod.costPerHour
        }
        let expectations = leader.map { replicas[$0].machine.state.expectations[spec.id] ?? [] } ?? []
        let unseen = expectations.filter { expectation in !world.pods.contains { $0.name == expectation.name } }
        let counted = live + unseen.count
        let budget = spec.maxCostPerHour ?? .infinity
        let unseenCost = unseen.reduce(0) { $0 + $1.pricePerHour }
        if counted <= target && cost + unseenCost <= budget + 1e-9 {
            fail("scale-down of \(name) with \(counted) pods of \(spec.id) counted (target \(target)), $\(cost)/h")
        }
    }

    /// The caps, at RunPod: every pod of a pool not yet terminated (failed
    /// ones too) and the USD per hour of those billed, including pods the
    /// machine has not seen because an answer was lost.
    mutating func checkCaps() {
        for spec in pools {
            var count = 0
            var cost = 0.0
            for pod in world.pods where pod.pool == spec.id {
                count += 1
                if pod.billed { cost += pod.costPerHour }
            }
            peakPods = max(peakPods, count)
            peakDollarsPerHour = max(peakDollarsPerHour, cost)
            if count > spec.maxReplicas {
                fail("\(count) pods of \(spec.id) at RunPod, maxReplicas \(spec.maxReplicas)")
            }
            if let budget = spec.maxCostPerHour, cost > budget + 1e-9 {
                fail("\(spec.id) costs \(cost) USD/h at RunPod, maxCostPerHour \(budget)")
            }
        }
    }
}
