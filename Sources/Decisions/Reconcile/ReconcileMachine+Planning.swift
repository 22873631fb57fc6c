import Foundation

extension ReconcileMachine {
    /// Plans one pool with the pure planner and remembers its expectations.
    mutating func plan(_ spec: PoolSpec, desired: Int, now: Date) -> ([ReconcileCommand], [ReconcileReport]) {
        let pods = pass?.podsByPool[spec.id] ?? []
        let offerings = Offering.fallbackOrder(spec.template)
        let deleting = pass?.request.deleting.contains(spec.id) ?? false
        let input = planInput(spec, desired: desired, offerings: offerings, now: now)
        let plan = ReconcilePlanner.plan(input, naming: settings.naming, random: &random)
        // No entry for a pool without open creates (most of them): a table of 1,000 empty lists was 82 KB.
        state.expectations[spec.id] = plan.expectations.isEmpty ? nil : plan.expectations

        // Counted per known status in place, then one table entry per status seen (not a hash per pod).
        var live: [ObservedPod] = []
        live.reserveCapacity(pods.count)
        var running = 0
        var counts = [Int](repeating: 0, count: Self.knownStatuses.count + 1)
        for pod in pods where pod.phase != .terminated {
            live.append(pod)
            if pod.phase == .running { running += 1 }
            counts[Self.knownStatuses.firstIndex(of: pod.status) ?? Self.knownStatuses.count] += 1
        }
        var byStatus: [String: Int] = [:]
        for (index, count) in counts.enumerated() where count > 0 {
            byStatus[index < Self.knownStatuses.count ? Self.knownStatuses[index] : "OTHER"] = count
        }
        let status = PoolReconcileStatus(
            desired: desired, podsByStatus: byStatus, running: running,
            counted: plan.counted, costPerHour: plan.costPerHour, block: plan.block, pods: live,
            stoppedReason: state.stopped(at: now), at: now)
        state.status[spec.id] = status
        var unavailable: [Offering: Bool] = [:]
        for offering in offerings {
            unavailable[offering] = (state.unavailableUntil[offering] ?? .distantPast) > now
        }
        var reports: [ReconcileReport] = [.planned(spec.id, status, unavailable: unavailable)]
        if !plan.actions.isEmpty || plan.block != nil { reports += summarize(spec.id, plan.summary) }
        // Nothing listed and no create that may still appear: a deleted pool's pods are all gone.
        if deleting && live.isEmpty && plan.expectations.isEmpty { reports.append(.poolDrained(spec.id)) }

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

    /// RunPod statuses counted by name in the pool's status; any other is "OTHER".
    static let knownStatuses = ["PROVISIONING", "STARTING", "RUNNING", "EXITED", "ERROR"]

    /// USD per hour of one pod of each of the pool's offerings (`offerings`: its fallback order, when at hand).
    func prices(of spec: PoolSpec, offerings: [Offering]? = nil) -> [Offering: Double] {
        var prices: [Offering: Double] = [:]
        for offering in offerings ?? Offering.fallbackOrder(spec.template) {
            if let price = state.gpuPrices[offering] { prices[offering] = price * Double(spec.template.gpuCount) }
        }
        return prices
    }

    /// What the planner decides one pool from. A pool with a budget creates only at prices read in this pass
    /// (RunPod bills a pod at the price of its create; a price read minutes ago may pass the budget); a dry
    /// run bills nothing, so the last prices do for what it would send.
    func planInput(_ spec: PoolSpec, desired: Int, offerings: [Offering], now: Date) -> ReconcileInput {
        ReconcileInput(
            pool: spec, desired: desired, pods: pass?.podsByPool[spec.id] ?? [],
            listedAt: pass?.listStartedAt ?? now, expectations: state.expectations[spec.id] ?? [],
            terminating: state.terminating, unavailableUntil: state.unavailableUntil,
            prices: prices(of: spec, offerings: offerings),
            pricesCurrent: settings.dryRun || pass?.catalogRead == true, createsBlockedUntil: state.blockedUntil,
            createsStopped: state.stopped(at: now), deleting: pass?.request.deleting.contains(spec.id) ?? false,
            now: now)
    }

    /// Whether the catalog should be read before planning: a pool with a budget would create at prices not
    /// read in this pass, no read was tried in it, none failed less than `catalogRetrySeconds` ago, and the
    /// budget covers the read and a create.
    func needsCurrentPrices(_ pools: [(spec: PoolSpec, desired: Int)], now: Date) -> Bool {
        guard let pass, !pass.catalogRead, !pass.catalogTried, !settings.dryRun,
            state.catalogRetryAt.map({ now >= $0 }) ?? true, budgetAvailable(at: now) >= 2
        else { return false }
        return pools.contains { spec, desired in
            guard spec.maxCostPerHour != nil else { return false }
            let input = planInput(spec, desired: desired, offerings: Offering.fallbackOrder(spec.template), now: now)
            return ReconcilePlanner.waitsForPrices(input)
        }
    }
}
