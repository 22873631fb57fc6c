import Decisions

extension SoakRun {
    /// What may happen before the passes of a fault step, each with its own chance.
    mutating func faultEvents() {
        if chance(0.2) { demandChange() }
        if chance(0.08) {
            world.regime = .random(using: &random)
            count(.faultRegime)
            note("  faults: \(world.regime)")
        }
        if chance(0.04), let offering = world.capacity.keys.sorted().randomElement(using: &random) {
            world.capacity[offering] = Int.random(in: 0...12, using: &random)
            count(.capacityChange)
            note("  capacity \(offering) = \(world.capacity[offering]!)")
        }
        if chance(0.03), let gpu = world.catalog.keys.sorted().randomElement(using: &random) {
            world.catalog[gpu] =
                ((world.catalog[gpu]! * Double.random(in: 0.6...1.8, using: &random)) * 100).rounded() / 100
            count(.priceChange)
            note("  price \(gpu) = \(world.catalog[gpu]!)")
        }
        if chance(0.015), let gpu = world.catalog.keys.sorted().randomElement(using: &random) {
            world.catalog[gpu] = nil
            count(.gpuTypeRemoved)
            note("  \(gpu) leaves the catalog")
        }
        if chance(0.03),
            let gpu = Self.basePrices.keys.filter({ world.catalog[$0] == nil }).sorted().randomElement(using: &random)
        {
            world.catalog[gpu] = Self.basePrices[gpu]
            count(.gpuTypeRestored)
            note("  \(gpu) back in the catalog")
        }
        if chance(0.03) { failPod() }
        if chance(0.01),
            let index = world.pods.indices.filter({ world.pods[$0].pool != nil }).randomElement(using: &random)
        {
            note("  \(world.pods[index].name) deleted outside the autoscaler")
            world.pods.remove(at: index)
            count(.podVanished)
        }
        if chance(0.02) {
            let index = Int.random(in: 0...1, using: &random)
            count(.restart)
            note("  replica \(index) restarts")
            restart(index, killed: false)
        }
        if chance(0.015) { crashArmed = Int.random(in: 0...1, using: &random) }
        if chance(0.03), leader != nil {
            leader = nil
            vacantUntil = world.now + Double.random(in: 3...15, using: &random)
            count(.leadershipMoved)
            note("  the lease is lost; vacant until \(vacantUntil)")
        }
        if chance(0.015) { leaderLossArmed = true }
        if active[1] && chance(0.01) {
            active[1] = false
            count(.poolRemoved)
            note("  \(pools[1].id) deleted")
        } else if !active[1] && chance(0.03) {
            active[1] = true
            count(.poolRestored)
            note("  \(pools[1].id) created again")
        }
    }

    /// A pool's demand jumps: to zero, to nothing (no decision), or anywhere up to past its maxReplicas.
    mutating func demandChange() {
        let spec = pools.randomElement(using: &random)!
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<3:
            desired[spec.id] = 0
            count(.demandZero)
        case 3:
            desired[spec.id] = nil
            count(.demandHold)
        default:
            desired[spec.id] = Int.random(in: 0...spec.maxReplicas + 3, using: &random)
            count(.demandJump)
        }
        note("  demand \(spec.id) = \(desired[spec.id].map(String.init) ?? "none")")
    }

    /// A live pod's host fails (ERROR) or its container exits (EXITED).
    mutating func failPod() {
        guard
            let index = world.pods.indices.filter({ world.pods[$0].pool != nil && world.pods[$0].failure == nil })
                .randomElement(using: &random)
        else { return }
        let error = Bool.random(using: &random)
        world.pods[index].failure = error ? "ERROR" : "EXITED"
        count(error ? .podError : .podExited)
        note("  \(world.pods[index].name) is \(world.pods[index].failure!)")
    }
}
