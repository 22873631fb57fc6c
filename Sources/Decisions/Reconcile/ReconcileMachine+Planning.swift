import Foundation

extension ReconcileMachine {
    /// Plans one pool with the pure planner and remembers its expectations.
    /// A pool with a budget that would create at prices not read in this pass
    /// reads the catalog first and is planned again (RunPod bills a pod at the
    /// price of its create; a price read minutes ago may pass the budget),
    /// unless a read failed less than `catalogRetrySeconds` ago.
    mutating func plan(
        _ spec: PoolSpec, desired: Int, attempt: Int, now: Date
    ) -> ([ReconcileCommand], [ReconcileReport]) {
        let pods = pass?.podsByPool[spec.id] ?? []
        let input = ReconcileInput(
            pool: spec, desired: desired, pods: pods, listedAt: pass?.listStartedAt ?? now,
            expectations: state.expectations[spec.id] ?? [], terminating: state.terminating,
            unavailableUntil: state.unavailableUntil, prices: prices(of: spec),
            // A dry run bills nothing: the last prices do for what it would send.
            pricesCurrent: settings.dryRun || pass?.catalogRead == true, createsBlockedUntil: state.blockedUntil,
            createsStopped: state.stopped(at: now), now: now)
        let plan = ReconcilePlanner.plan(input, naming: settings.naming, random: &random)
        if plan.block == .pricesUnknown, pass?.catalogTried == false,
            state.catalogRetryAt.map({ now >= $0 }) ?? true
        {
            pass?.catalogTried = true
            pass?.work.insert(.plan(spec, desired: desired, attempt: attempt), at: 0)
            return ([.readCatalog], [])
        }
        state.expectations[spec.id] = plan.expectations

        var byStatus: [String: Int] = [:]
        let live = pods.filter { $0.phase != .terminated }
        for pod in live {
            let known = ["PROVISIONING", "STARTING", "RUNNING", "EXITED", "ERROR"]
            byStatus[known.contains(pod.status) ? pod.status : "OTHER", default: 0] += 1
        }
        let status = PoolReconcileStatus(
            desired: desired, podsByStatus: byStatus, running: live.filter { $0.phase == .running }.count,
            counted: plan.counted, costPerHour: plan.costPerHour, block: plan.block, pods: live,
            stoppedReason: state.stopped(at: now), at: now)
        state.status[spec.id] = status
        var unavailable: [Offering: Bool] = [:]
        for offering in Offering.fallbackOrder(spec.template) {
            unavailable[offering] = (state.unavailableUntil[offering] ?? .distantPast) > now
        }
        var reports: [ReconcileReport] = [.planned(spec.id, status, unavailable: unavailable)]
        if !plan.actions.isEmpty || plan.block != nil { reports += summarize(spec.id, plan.summary) }

        let commands = plan.actions.map { action -> ReconcileCommand in
            switch action {
            case .create(let name, let offering, let price):
                .create(pool: spec.id, name: name, offering: offering, pricePerHour: price)
            case .terminate(let id, let name, let reason):
                .terminate(pool: spec.id, podId: id, name: name, reason: reason)
            }
        }
        return (commands, reports)
    }

    /// Terminates pods of pools that no longer exist once their grace has
    /// passed: the grace of the pool they belonged to when this process saw
    /// it, else the configured one.
    mutating func planOrphans(now: Date) -> [ReconcileCommand] {
        let orphans = pass?.orphans ?? []
        let known = Array(state.knownPoolGrace.keys)
        return orphans.flatMap { orphan -> [ReconcileCommand] in
            let grace =
                settings.naming.pool(of: orphan.name, among: known).flatMap { state.knownPoolGrace[$0] }
                ?? settings.orphanGraceSeconds
            let actions = ReconcilePlanner.planOrphans(
                [orphan], firstSeen: state.orphanFirstSeen, graceSeconds: grace, now: now)
            return actions.compactMap { action in
                guard case .terminate(let id, let name, let reason) = action else { return nil }
                return .terminate(pool: nil, podId: id, name: name, reason: reason)
            }
        }
    }

    /// USD per hour of one pod of each of the pool's offerings.
    func prices(of spec: PoolSpec) -> [Offering: Double] {
        var prices: [Offering: Double] = [:]
        for offering in Offering.fallbackOrder(spec.template) {
            if let price = state.gpuPrices[offering] { prices[offering] = price * Double(spec.template.gpuCount) }
        }
        return prices
    }
}
