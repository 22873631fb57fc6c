import Decisions

extension SoakRun {
    /// Passes checked for convergence once settled, and for a drain.
    static let checkSteps = 6
    /// Passes a drain (demand zero, no faults) may take.
    static let drainSteps = 3

    /// How long after the faults stop every hold of the machine has run out,
    /// plus a few passes: 401/403/402 stop creates for `stopSeconds`; the
    /// backoff tops out at 300 s; the catalog is trusted for `catalogSeconds`;
    /// a stuck pod is replaced after its provision timeout; an orphan waits
    /// out its grace; a no-capacity offering is skipped for a while;
    /// Retry-After is at most 60 s here.
    var settleSeconds: Double {
        let machine = ReconcileMachine.Settings(naming: ReconcileSoak.naming)
        var longest = max(machine.stopSeconds, 300, machine.catalogSeconds, machine.orphanGraceSeconds, 60)
        for spec in pools {
            longest = max(
                longest, spec.scaling.provisionTimeoutSeconds, spec.scaling.orphanGraceSeconds,
                spec.scaling.unavailableOfferingSeconds)
        }
        return longest + 6 * Self.calmStepSeconds
    }

    /// Faults stop, stock and catalog are restored, one replica leads, and
    /// demand holds: within `settleSeconds` the pods match the demand and stay
    /// so without a call that changes anything; then demand goes to zero and
    /// every pod of ours goes within a few passes.
    mutating func calm() {
        phase = "calm"
        world.regime = .calm
        for offering in world.capacity.keys { world.capacity[offering] = 64 }
        world.catalog = Self.basePrices
        active = [true, true]
        crashArmed = nil
        leaderLossArmed = false
        world.now += Self.calmStepSeconds
        upAt = upAt.map { min($0, world.now) }
        leader = Int.random(in: 0...1, using: &random)
        for spec in pools { desired[spec.id] = Int.random(in: 0...spec.maxReplicas + 2, using: &random) }
        note("calm at t=\(world.now)s: replica \(leader!) leads, desired \(Self.describe(desired))")

        let settleSteps = Int((settleSeconds / Self.calmStepSeconds).rounded(.up))
        for _ in 0..<settleSteps where violation == nil { calmStep() }
        let before = mutatingCalls
        for _ in 0..<Self.checkSteps where violation == nil {
            calmStep()
            checkConverged()
        }
        if violation == nil && mutatingCalls != before {
            fail("\(mutatingCalls - before) creates or terminates after the pods had converged")
        }

        phase = "drain"
        for spec in pools { desired[spec.id] = 0 }
        note("drain at t=\(world.now)s")
        for _ in 0..<Self.drainSteps where violation == nil { calmStep() }
        for _ in 0..<Self.checkSteps where violation == nil {
            calmStep()
            let left = world.pods.filter { ReconcileSoak.naming.owns($0.name) }
            if !left.isEmpty { fail("pods left after demand zero: \(left.map(\.name))") }
        }
        let foreign = Set(world.pods.map(\.name)).intersection(foreignNames)
        if violation == nil && foreign.count != foreignNames.count {
            fail("pods that are not ours are gone: \(Set(foreignNames).subtracting(foreign))")
        }
    }

    private mutating func calmStep() {
        world.now += Self.calmStepSeconds
        step += 1
        note("step \(step) t=\(world.now)s")
        passes()
    }

    /// Each pool has its target of healthy pods, or as many as the budget
    /// allows; no failed pod and no orphan is left.
    private mutating func checkConverged() {
        for spec in pools {
            let pods = world.pods.filter { $0.pool == spec.id }
            let target = min(max(0, desired[spec.id] ?? 0), spec.maxReplicas)
            if let failed = pods.first(where: { $0.failure != nil }) {
                return fail("\(failed.name) still \(failed.failure!) after the calm")
            }
            let cost = pods.reduce(0) { $0 + $1.costPerHour }
            let budget = spec.maxCostPerHour ?? .infinity
            let cheapest =
                Offering.fallbackOrder(spec.template).compactMap { offering in
                    world.catalog[offering.gpuTypeId].map {
                        SoakRunPod.price(secure: $0, cloud: offering.cloud) * Double(spec.template.gpuCount)
                    }
                }.min() ?? .infinity
            if pods.count > target || cost > budget + 1e-9
                || (pods.count < target && cost + cheapest <= budget - 1e-6)
            {
                return fail(
                    "\(spec.id) has \(pods.count) pods ($\(cost)/h) after the calm; target \(target), "
                        + "maxCostPerHour \(spec.maxCostPerHour.map { "\($0)" } ?? "none")")
            }
        }
        let orphans = world.pods.filter { ReconcileSoak.naming.owns($0.name) && $0.pool == nil }
        if !orphans.isEmpty { fail("orphans left after the calm: \(orphans.map(\.name))") }
    }
}
