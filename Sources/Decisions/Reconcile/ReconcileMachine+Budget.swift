import Foundation

extension ReconcileMachine {
    /// Plans every pool and queues the pass's calls in the budget's order: terminates first (they cut cost and
    /// free capacity), then creates, one pool at a time in turn so a short budget is shared fairly.
    mutating func queueWork(_ pools: [(spec: PoolSpec, desired: Int)], orphans: Bool, now: Date) -> [ReconcileReport] {
        if needsCurrentPrices(pools, now: now) {
            // Read the catalog, then plan every pool again at the prices read.
            pass?.catalogTried = true
            pass?.planned = pools
            pass?.orphansKnown = orphans
            pass?.work = [.send(.readCatalog), .queue]
            return []
        }
        var reports: [ReconcileReport] = []
        var terminates: [ReconcileCommand] = []
        var creates: [PoolID: [ReconcileCommand]] = [:]
        for (spec, desired) in pools {
            let (commands, planned) = plan(spec, desired: desired, now: now)
            reports += planned
            for command in commands {
                if case .create = command {
                    creates[spec.id, default: []].append(command)
                } else {
                    terminates.append(command)
                }
            }
        }
        if orphans { terminates += planOrphans(now: now) }
        let ordered = Self.roundRobin(creates, order: pools.map(\.spec.id), startingAt: state.createTurn)
        pass?.work = (terminates + ordered).map(Work.send)
        return reports
    }

    /// One create of each pool in turn, starting at `first` (the pool the budget left waiting last time).
    static func roundRobin(
        _ creates: [PoolID: [ReconcileCommand]], order: [PoolID], startingAt first: PoolID?
    ) -> [ReconcileCommand] {
        var pools = order.filter { creates[$0] != nil }
        if let first, let index = pools.firstIndex(of: first) { pools = Array(pools[index...] + pools[..<index]) }
        let queues = pools.map { creates[$0] ?? [] }
        var ordered: [ReconcileCommand] = []
        for round in 0..<(queues.map(\.count).max() ?? 0) {
            for queue in queues where round < queue.count { ordered.append(queue[round]) }
        }
        return ordered
    }

    /// Calls the budget covers now (unlimited when not counted).
    func budgetAvailable(at now: Date) -> Int {
        state.budget?.available(at: now) ?? .max
    }

    /// A call the budget cannot cover waits for a later pass; the first pool left without its create goes
    /// first next time.
    mutating func deferForBudget(_ command: ReconcileCommand) {
        pass?.deferred[command.budgetLabel, default: 0] += 1
        if case .create(let pool, _, _, _) = command, pass?.deferred["create"] == 1 { state.createTurn = pool }
    }

    /// The budget's report for the pass (none when calls are not counted); clears the create turn when no
    /// create waited.
    mutating func budgetReports(now: Date) -> [ReconcileReport] {
        guard let budget = state.budget else { return [] }
        let deferred = pass?.deferred ?? [:]
        if deferred["create"] == nil, deferred["list"] == nil { state.createTurn = nil }
        return [.budget(remaining: budget.available(at: now), deferred: deferred)]
    }
}
