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
        var actions: [ReconcileAction] = []

        // Failed and timed-out pods go first and do not count toward desired.
        var live: [ObservedPod] = []
        var leaving: [ObservedPod] = []
        for pod in input.pods where pod.phase != .terminated && !input.terminating.contains(pod.id) {
            if pod.phase == .failed {
                actions.append(.terminate(podId: pod.id, name: pod.name, reason: .failed))
                leaving.append(pod)
            } else if pod.phase == .pending, let created = pod.createdAt,
                now.timeIntervalSince(created) > pool.scaling.provisionTimeoutSeconds
            {
                actions.append(.terminate(podId: pod.id, name: pod.name, reason: .provisionTimeout))
                leaving.append(pod)
            } else {
                live.append(pod)
            }
        }

        // Expectations: creates not yet listed still count.
        let listed = Set(input.pods.map(\.name))
        var open: [CreateExpectation] = []
        var lostAnswer: CreateExpectation?
        for expectation in input.expectations where !listed.contains(expectation.name) {
            if expectation.confirmedId != nil {
                if now.timeIntervalSince(expectation.attemptedAt) < confirmedExpectationSeconds {
                    open.append(expectation)
                }
            } else if input.listedAt <= expectation.attemptedAt.addingTimeInterval(lostAnswerGraceSeconds) {
                open.append(expectation)
                lostAnswer = lostAnswer ?? expectation
            }
        }

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
        let target = max(0, min(input.desired, pool.maxReplicas))
        let budget = pool.maxCostPerHour ?? .infinity
        var blocked: CreateBlock?
        var created = 0
        var terminated = actions.count

        if counted < target {
            if let stopped = input.createsStopped {
                blocked = .stopped(stopped)
            } else if let until = input.createsBlockedUntil, until > now {
                blocked = .paused(seconds: Int(until.timeIntervalSince(now).rounded(.up)))
            } else if let lost = lostAnswer {
                blocked = .lostAnswer(name: lost.name)
            } else if pool.maxCostPerHour != nil && !input.pricesCurrent {
                blocked = .pricesUnknown
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
