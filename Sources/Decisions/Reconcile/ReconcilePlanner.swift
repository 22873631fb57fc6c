import Foundation

/// The reconciler's decisions as pure functions of what was observed, what is
/// desired and the time: which pods to create (and on which offering) and
/// which to terminate, never past `maxReplicas` or `maxCostPerHour`.
public enum ReconcilePlanner {
    /// A confirmed create not yet listed stops counting after this long.
    public static let confirmedExpectationSeconds: Double = 60
    /// A list must be this much newer than a lost-answer create to prove the
    /// pod was not made.
    public static let lostAnswerGraceSeconds: Double = 2

    public static func plan(
        _ input: ReconcileInput, naming: PodNaming, random: inout some RandomNumberGenerator
    ) -> ReconcilePlan {
        let pool = input.pool
        let now = input.now
        let tally = ReconcileTally(input)
        // Failed and timed-out pods go first and do not count toward desired.
        var actions = tally.terminations
        let (live, leaving, open) = (tally.live, tally.leaving, tally.open)

        let fallbackPrice = input.prices.values.max() ?? 0
        func price(of pod: ObservedPod) -> Double {
            if pod.costPerHour > 0 { return pod.costPerHour }
            return pod.offering.flatMap { input.prices[$0] } ?? fallbackPrice
        }
        var counted = live.count + open.count
        var cost = live.reduce(0) { $0 + price(of: $1) } + open.reduce(0) { $0 + $1.pricePerHour }
        // Until RunPod has ended them, leaving pods hold room under the caps
        // (a failed pod bills what the list says: 0 once EXITED), so their
        // replacements never pass maxReplicas or maxCostPerHour if a terminate fails.
        let leavingCost = leaving.reduce(0) { $0 + ($1.phase == .failed ? $1.costPerHour : price(of: $1)) }
        let target = input.target
        let budget = pool.maxCostPerHour ?? .infinity
        var blocked: CreateBlock?
        var created = 0
        var terminated = actions.count

        if counted < target {
            if let early = createBlock(input, lostAnswer: tally.lostAnswer) {
                blocked = early
            } else {
                while counted < target {
                    if counted + leaving.count >= pool.maxReplicas {
                        blocked = .replacing(count: leaving.count)
                        break
                    }
                    let candidates = Offering.fallbackOrder(pool.template).filter {
                        (input.unavailableUntil[$0] ?? .distantPast) <= now
                    }
                    if candidates.isEmpty {
                        blocked = .noCapacity
                        break
                    }
                    // Unpriced offerings are only usable without a budget.
                    let affordable = candidates.first { offering in
                        guard let price = input.prices[offering] else { return pool.maxCostPerHour == nil }
                        return cost + leavingCost + price <= budget + 1e-9
                    }
                    guard let offering = affordable else {
                        blocked = .budget(used: cost + leavingCost, limit: budget)
                        break
                    }
                    let price = input.prices[offering] ?? 0
                    actions.append(
                        .create(
                            name: naming.newName(for: pool.id, using: &random), offering: offering,
                            pricePerHour: price))
                    counted += 1
                    cost += price
                    created += 1
                }
            }
        } else if counted > target || cost > budget + 1e-9 {
            // Too many pods, or over budget: terminate in the documented order.
            let ordered = live.sorted { a, b in
                if (a.phase == .running) != (b.phase == .running) { return a.phase != .running }
                if price(of: a) != price(of: b) { return price(of: a) > price(of: b) }
                return (a.createdAt ?? .distantPast) > (b.createdAt ?? .distantPast)
            }
            let reason: TerminationReason = input.deleting ? .poolDeleted : .scaleDown
            for pod in ordered where counted > target || cost > budget + 1e-9 {
                actions.append(.terminate(podId: pod.id, name: pod.name, reason: reason))
                counted -= 1
                cost -= price(of: pod)
                terminated += 1
            }
        }

        var summary = "desired \(input.desired), counted \(live.count) listed + \(open.count) expected"
        if input.desired > pool.maxReplicas { summary += " (capped at maxReplicas \(pool.maxReplicas))" }
        summary += ", create \(created), terminate \(terminated)"
        if let blocked { summary += ": \(blocked)" }
        return ReconcilePlan(
            actions: actions, expectations: open, counted: counted, costPerHour: max(0, cost), block: blocked,
            summary: summary)
    }

    /// Whether `plan(input)` would hold its creates for prices read in this pass (``CreateBlock/pricesUnknown``),
    /// found without drawing names or ordering terminates: the machine asks it of every pool with a budget before
    /// it plans, and reads the catalog first when one does.
    public static func waitsForPrices(_ input: ReconcileInput) -> Bool {
        guard input.pool.maxCostPerHour != nil, !input.pricesCurrent else { return false }
        let tally = ReconcileTally(input)
        guard tally.counted < input.target else { return false }
        return createBlock(input, lostAnswer: tally.lostAnswer) == .pricesUnknown
    }

    /// What holds every create of a pool short of desired before any offering is looked at, in order of
    /// precedence; nil when creates may go ahead.
    private static func createBlock(_ input: ReconcileInput, lostAnswer: CreateExpectation?) -> CreateBlock? {
        if let stopped = input.createsStopped { return .stopped(stopped) }
        if let until = input.createsBlockedUntil, until > input.now {
            return .paused(seconds: Int(until.timeIntervalSince(input.now).rounded(.up)))
        }
        if let lost = lostAnswer { return .lostAnswer(name: lost.name) }
        if input.pool.maxCostPerHour != nil && !input.pricesCurrent { return .pricesUnknown }
        return nil
    }

    /// Pods with our prefix that belong to no pool are terminated once they
    /// have been seen for `graceSeconds`.
    public static func planOrphans(
        _ orphans: [ObservedPod], firstSeen: [String: Date], graceSeconds: Double, now: Date
    ) -> [ReconcileAction] {
        orphans.compactMap { pod in
            guard pod.phase != .terminated, let seen = firstSeen[pod.id], now.timeIntervalSince(seen) >= graceSeconds
            else { return nil }
            return .terminate(podId: pod.id, name: pod.name, reason: .orphan)
        }
    }
}
