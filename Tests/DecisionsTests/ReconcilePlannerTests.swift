import Foundation
import Primitives
import TestSupport
import Testing

@testable import Decisions

/// Table-driven tests of the reconciler's pure plan.
@Suite struct ReconcilePlannerTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let ada = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .secure)
    static let adaCommunity = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .community)
    static let l40s = Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure)
    static let l40sCommunity = Offering(gpuTypeId: "NVIDIA L40S", cloud: .community)
    static let prices: [Offering: Double] = [ada: 0.69, adaCommunity: 0.55, l40s: 0.79, l40sCommunity: 0.63]
    static let naming = PodNaming(prefix: "rpa")

    static func pool(maxReplicas: Int = 20, maxCost: Double? = 15) -> PoolSpec {
        var pool = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        pool.maxReplicas = maxReplicas
        pool.maxCostPerHour = maxCost
        return pool
    }

    static func pod(
        _ n: Int, _ phase: PodPhase = .running, offering: Offering = ada, cost: Double = 0.69, age: Double = 300
    ) -> ObservedPod {
        ObservedPod(
            id: "pod\(n)", name: "rpa-media-burst-0000000\(n)", phase: phase, status: phase.rawValue.uppercased(),
            offering: offering, costPerHour: cost, createdAt: t0.addingTimeInterval(-age))
    }

    func plan(_ input: ReconcileInput) -> ReconcilePlan {
        var random = SplitMix64(seed: 7)
        return ReconcilePlanner.plan(input, naming: Self.naming, random: &random)
    }

    func input(
        desired: Int, pods: [ObservedPod] = [], pool: PoolSpec = pool(), expectations: [CreateExpectation] = [],
        unavailable: [Offering: Date] = [:], prices: [Offering: Double] = prices, blockedUntil: Date? = nil,
        stopped: String? = nil, listedAt: Date = t0
    ) -> ReconcileInput {
        ReconcileInput(
            pool: pool, desired: desired, pods: pods, listedAt: listedAt, expectations: expectations,
            unavailableUntil: unavailable, prices: prices, createsBlockedUntil: blockedUntil, createsStopped: stopped,
            now: Self.t0)
    }

    func creates(_ plan: ReconcilePlan) -> [Offering] {
        plan.actions.compactMap { if case .create(_, let offering, _) = $0 { offering } else { nil } }
    }

    func terminations(_ plan: ReconcilePlan) -> [String: TerminationReason] {
        var out: [String: TerminationReason] = [:]
        for case .terminate(let id, _, let reason) in plan.actions { out[id] = reason }
        return out
    }

    @Test func createsUpToDesiredOnTheFirstOffering() {
        let result = plan(input(desired: 3, pods: [Self.pod(1)]))
        #expect(creates(result) == [Self.ada, Self.ada])
        #expect(result.counted == 3)
        #expect(abs(result.costPerHour - 0.69 * 3) < 1e-9)
        for case .create(let name, _, let price) in result.actions {
            #expect(Self.naming.pool(of: name, among: [Self.pool().id]) == Self.pool().id)
            #expect(price == 0.69)
        }
    }

    @Test func namesAreUnique() {
        let result = plan(input(desired: 20))
        let names = result.actions.compactMap { if case .create(let name, _, _) = $0 { name } else { nil } }
        #expect(Set(names).count == 20)
    }

    @Test func nothingToDoAtDesired() {
        let result = plan(input(desired: 2, pods: [Self.pod(1), Self.pod(2, .pending, cost: 0)]))
        #expect(result.actions.isEmpty)
        #expect(result.counted == 2)
    }

    @Test func expectationsCountSoASlowListNeverDoubleCreates() {
        let expected = CreateExpectation(
            name: "rpa-media-burst-aaaaaaaa", offering: Self.ada, pricePerHour: 0.69,
            attemptedAt: Self.t0.addingTimeInterval(-5), confirmedId: "podX")
        let result = plan(input(desired: 2, pods: [Self.pod(1)], expectations: [expected]))
        #expect(result.actions.isEmpty)
        #expect(result.expectations == [expected])
        // Once listed, the expectation is dropped and the pod counts itself.
        var listedPod = Self.pod(9, .pending, cost: 0)
        listedPod.name = expected.name
        let seen = plan(input(desired: 2, pods: [Self.pod(1), listedPod], expectations: [expected]))
        #expect(seen.expectations.isEmpty && seen.actions.isEmpty && seen.counted == 2)
    }

    @Test func confirmedExpectationsExpire() {
        let stale = CreateExpectation(
            name: "rpa-media-burst-bbbbbbbb", offering: Self.ada, pricePerHour: 0.69,
            attemptedAt: Self.t0.addingTimeInterval(-61), confirmedId: "podX")
        let result = plan(input(desired: 1, expectations: [stale]))
        #expect(result.expectations.isEmpty)
        #expect(creates(result).count == 1)
    }

    @Test func aLostCreateIsLookedForBeforeAnyNewCreate() {
        let lost = CreateExpectation(
            name: "rpa-media-burst-cccccccc", offering: Self.ada, pricePerHour: 0.69,
            attemptedAt: Self.t0.addingTimeInterval(-1), confirmedId: nil)
        // The list predates the create: it proves nothing, so wait.
        let waiting = plan(input(desired: 3, expectations: [lost], listedAt: Self.t0.addingTimeInterval(-0.5)))
        #expect(creates(waiting).isEmpty)
        #expect(waiting.block == .lostAnswer(name: lost.name))
        // A later list shows it: adopted, two more created.
        var found = Self.pod(5, .pending, cost: 0)
        found.name = lost.name
        let adopted = plan(input(desired: 3, pods: [found], expectations: [lost], listedAt: Self.t0))
        #expect(creates(adopted).count == 2)
        // A later list without it: it was never made; create all three.
        let absent = plan(
            input(desired: 3, expectations: [lost], listedAt: lost.attemptedAt.addingTimeInterval(3)))
        #expect(absent.expectations.isEmpty)
        #expect(creates(absent).count == 3)
    }

    @Test func fallsBackThroughGPUTypesAndClouds() {
        let until = Self.t0.addingTimeInterval(100)
        let ada = plan(input(desired: 1, unavailable: [Self.ada: until]))
        #expect(creates(ada) == [Self.adaCommunity])
        let both = plan(input(desired: 1, unavailable: [Self.ada: until, Self.adaCommunity: until]))
        #expect(creates(both) == [Self.l40s])
        let all = plan(
            input(
                desired: 1,
                unavailable: [Self.ada: until, Self.adaCommunity: until, Self.l40s: until, Self.l40sCommunity: until]))
        #expect(creates(all).isEmpty)
        #expect(all.block == .noCapacity)
        let expired = plan(input(desired: 1, unavailable: [Self.ada: Self.t0]))
        #expect(creates(expired) == [Self.ada], "skipped only until the date")
    }

    @Test func maxReplicasIsNeverExceeded() {
        let result = plan(input(desired: 50, pods: [Self.pod(1)], pool: Self.pool(maxReplicas: 4)))
        #expect(creates(result).count == 3)
        #expect(result.summary.contains("capped at maxReplicas 4"))
        let over = plan(input(desired: 50, pods: (1...6).map { Self.pod($0) }, pool: Self.pool(maxReplicas: 4)))
        #expect(terminations(over).count == 2)
    }

    @Test func maxCostCountsProvisioningPodsAtCatalogPrice() {
        // Two provisioning pods report cost 0 but will cost 0.79 each.
        let pods = [
            Self.pod(1, .pending, offering: Self.l40s, cost: 0), Self.pod(2, .pending, offering: Self.l40s, cost: 0),
        ]
        let result = plan(input(desired: 10, pods: pods, pool: Self.pool(maxCost: 3.0)))
        // 1.58 used; 0.69 fits twice (2.96), a third would be 3.65.
        #expect(creates(result) == [Self.ada, Self.ada])
        #expect(result.costPerHour <= 3.0)
        #expect(result.block == .budget(used: 0.79 * 2 + 0.69 * 2, limit: 3.0))
    }

    @Test func aCheaperLaterOfferingIsUsedWhenTheFirstDoesNotFit() {
        let pods = [Self.pod(1, cost: 2.0)]
        let result = plan(input(desired: 2, pods: pods, pool: Self.pool(maxCost: 2.6)))
        #expect(creates(result) == [Self.adaCommunity])
    }

    @Test func unpricedOfferingsAreNotUsedUnderABudget() {
        let result = plan(input(desired: 1, prices: [:]))
        #expect(creates(result).isEmpty)
        let unlimited = plan(input(desired: 1, pool: Self.pool(maxCost: nil), prices: [:]))
        #expect(creates(unlimited) == [Self.ada])
    }

    @Test func overBudgetTerminatesTheMostExpensive() {
        let pods = [Self.pod(1, cost: 0.69), Self.pod(2, offering: Self.l40s, cost: 0.99), Self.pod(3, cost: 0.69)]
        let result = plan(input(desired: 3, pods: pods, pool: Self.pool(maxCost: 1.5)))
        #expect(terminations(result) == ["pod2": .scaleDown], "0.69 + 0.69 fits once the 0.99 pod is gone")
        #expect(abs(result.costPerHour - 1.38) < 1e-9)
        let tighter = plan(input(desired: 3, pods: pods, pool: Self.pool(maxCost: 1.0)))
        #expect(terminations(tighter).count == 2)
        #expect(tighter.costPerHour <= 1.0)
    }

    @Test func terminateOrderIsPendingThenExpensiveThenYoungest() {
        let pods = [
            Self.pod(1, cost: 0.69, age: 500), Self.pod(2, cost: 0.69, age: 100),
            Self.pod(3, offering: Self.l40s, cost: 0.79, age: 900),
            Self.pod(4, .pending, cost: 0, age: 10),
        ]
        let order = { (desired: Int) -> [String] in
            self.plan(self.input(desired: desired, pods: pods)).actions.compactMap {
                if case .terminate(let id, _, _) = $0 { id } else { nil }
            }
        }
        #expect(order(3) == ["pod4"])
        #expect(order(2) == ["pod4", "pod3"])
        #expect(order(1) == ["pod4", "pod3", "pod2"])
        #expect(order(0) == ["pod4", "pod3", "pod2", "pod1"])
    }

    @Test func failedAndTimedOutPodsAreReplaced() {
        let pods = [
            Self.pod(1, .failed), Self.pod(2, .pending, cost: 0, age: 601), Self.pod(3, .pending, cost: 0, age: 30),
            Self.pod(4, .terminated),
        ]
        let result = plan(input(desired: 3, pods: pods))
        #expect(terminations(result) == ["pod1": .failed, "pod2": .provisionTimeout])
        #expect(creates(result).count == 2)
    }

    @Test func terminatingPodsDoNotCount() {
        var input = input(desired: 2, pods: [Self.pod(1), Self.pod(2)])
        input.terminating = ["pod2"]
        let result = plan(input)
        #expect(creates(result).count == 1)
        #expect(terminations(result).isEmpty)
    }

    @Test func pausesAndStopsAreHonoured() {
        let paused = plan(input(desired: 2, blockedUntil: Self.t0.addingTimeInterval(30)))
        #expect(creates(paused).isEmpty && paused.block == .paused(seconds: 30))
        let stopped = plan(input(desired: 2, stopped: "401 unauthorized"))
        #expect(creates(stopped).isEmpty && stopped.block == .stopped("401 unauthorized"))
        // Scale-down still works while creates are stopped.
        let down = plan(input(desired: 0, pods: [Self.pod(1)], stopped: "402 payment required"))
        #expect(terminations(down) == ["pod1": .scaleDown])
    }

    @Test func orphansWaitForTheirGracePeriod() {
        let orphan = Self.pod(8)
        let early = ReconcilePlanner.planOrphans(
            [orphan], firstSeen: ["pod8": Self.t0.addingTimeInterval(-10)], graceSeconds: 300, now: Self.t0)
        #expect(early.isEmpty)
        let late = ReconcilePlanner.planOrphans(
            [orphan], firstSeen: ["pod8": Self.t0.addingTimeInterval(-300)], graceSeconds: 300, now: Self.t0)
        #expect(late == [.terminate(podId: "pod8", name: orphan.name, reason: .orphan)])
    }

    @Test func namesMapBackToTheirPool() {
        let pools = [PoolID(namespace: "media", name: "burst"), PoolID(namespace: "media", name: "burst-xl")]
        #expect(Self.naming.pool(of: "rpa-media-burst-abcd1234", among: pools) == pools[0])
        #expect(Self.naming.pool(of: "rpa-media-burst-xl-abcd1234", among: pools) == pools[1])
        #expect(Self.naming.pool(of: "rpa-media-other-abcd1234", among: pools) == nil)
        #expect(Self.naming.pool(of: "rpa-media-burst-ABCD1234", among: pools) == nil)
        #expect(Self.naming.owns("rpa-media-other-abcd1234"))
        #expect(!Self.naming.owns("rpax-media-burst-abcd1234"))
        #expect(PodPhase(runPodStatus: "PROVISIONING") == .pending)
        #expect(PodPhase(runPodStatus: "RESTARTING") == .pending)
        #expect(PodPhase(runPodStatus: "EXITED") == .failed)
    }

    /// Regression (fault soak): failed and timed-out pods did not count under
    /// the caps, so when their terminate failed the replacement passed
    /// maxReplicas and maxCostPerHour at RunPod.
    @Test func leavingPodsHoldRoomUnderTheCapsUntilTheyAreGone() {
        let pods = [Self.pod(1), Self.pod(2, .failed)]
        let full = plan(input(desired: 2, pods: pods, pool: Self.pool(maxReplicas: 2)))
        #expect(terminations(full) == ["pod2": .failed])
        #expect(creates(full).isEmpty)
        #expect(full.block == .replacing(count: 1))
        #expect(creates(plan(input(desired: 2, pods: pods, pool: Self.pool(maxReplicas: 3)))) == [Self.ada])
        // A failed pod bills what the list says (an ERROR pod its price, an EXITED one nothing).
        let billing = plan(input(desired: 2, pods: pods, pool: Self.pool(maxCost: 1.5)))
        #expect(creates(billing).isEmpty)
        #expect(billing.block == .budget(used: 0.69 * 2, limit: 1.5))
        let exited = [Self.pod(1), Self.pod(2, .failed, cost: 0)]
        #expect(creates(plan(input(desired: 2, pods: exited, pool: Self.pool(maxCost: 1.5)))) == [Self.ada])
        // A pod past its provision timeout bills its offering's price.
        let stuck = [Self.pod(1), Self.pod(2, .pending, cost: 0, age: 700)]
        let timedOut = plan(input(desired: 2, pods: stuck, pool: Self.pool(maxCost: 1.5)))
        #expect(terminations(timedOut) == ["pod2": .provisionTimeout])
        #expect(creates(timedOut).isEmpty)
        #expect(creates(plan(input(desired: 2, pods: stuck, pool: Self.pool(maxCost: 2.1)))) == [Self.ada])
    }

    /// A pool with a budget creates only at prices read in the same pass; without one, known prices do.
    @Test func aBudgetNeedsCurrentPrices() {
        var stale = input(desired: 1)
        stale.pricesCurrent = false
        let blocked = plan(stale)
        #expect(creates(blocked).isEmpty)
        #expect(blocked.block == .pricesUnknown)
        var unbudgeted = input(desired: 1, pool: Self.pool(maxCost: nil))
        unbudgeted.pricesCurrent = false
        #expect(creates(plan(unbudgeted)) == [Self.ada])
    }

    /// The machine's question before it plans ("does a pool wait for this pass's prices?") answers as the plan
    /// itself, over pools below, at and above desired, with failed, timed-out and terminating pods, open and
    /// lost creates, stops, pauses, with and without a budget and current prices.
    @Test func waitingForPricesIsWhatThePlanBlocksOn() {
        let podSets: [[ObservedPod]] = [
            [], [Self.pod(1)], [Self.pod(1), Self.pod(2, .failed)], [Self.pod(1), Self.pod(2, .pending, age: 3_600)],
            [Self.pod(1), Self.pod(2), Self.pod(3, .pending, age: 10)], [Self.pod(1), Self.pod(2, .terminated)],
        ]
        let confirmed = CreateExpectation(
            name: "rpa-media-burst-aaaaaaaa", offering: Self.ada, pricePerHour: 0.69, attemptedAt: Self.t0,
            confirmedId: "new1")
        let lost = CreateExpectation(
            name: "rpa-media-burst-bbbbbbbb", offering: Self.ada, pricePerHour: 0.69, attemptedAt: Self.t0,
            confirmedId: nil)
        var cases = 0
        var waiting = 0
        for pods in podSets {
            for expectations in [[], [confirmed], [lost], [confirmed, lost]] {
                for desired in [0, 1, 2, 3, 5] {
                    for maxCost in [nil, 15.0] {
                        for (stopped, blockedUntil) in [(nil, nil), ("402", nil), (nil, Self.t0.addingTimeInterval(5))]
                        {
                            for pricesCurrent in [true, false] {
                                var given = input(
                                    desired: desired, pods: pods, pool: Self.pool(maxReplicas: 4, maxCost: maxCost),
                                    expectations: expectations, blockedUntil: blockedUntil, stopped: stopped)
                                given.pricesCurrent = pricesCurrent
                                given.terminating = pods.count > 2 ? [pods[2].id] : []
                                let blocks = plan(given).block == .pricesUnknown
                                #expect(ReconcilePlanner.waitsForPrices(given) == blocks, "\(given)")
                                cases += 1
                                if blocks { waiting += 1 }
                            }
                        }
                    }
                }
            }
        }
        // Both answers are exercised.
        #expect(waiting > 0 && waiting < cases)
    }
}
