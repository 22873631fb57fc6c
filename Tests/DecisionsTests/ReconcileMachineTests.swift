import Foundation
import Testing

@testable import Decisions

/// The pure reconcile machine, one failure kind at a time, on a hand-moved clock.
@Suite struct ReconcileMachineTests {
    typealias Rig = MachineRig

    func creates(_ commands: [ReconcileCommand]) -> [Offering] {
        commands.compactMap { if case .create(_, _, let offering, _) = $0 { offering } else { nil } }
    }

    func terminates(_ commands: [ReconcileCommand]) -> [String] {
        commands.compactMap { if case .terminate(_, let id, _, _) = $0 { id } else { nil } }
    }

    @Test func aPassReadsTheCatalogListsThenCreates() {
        var rig = Rig()
        let calls = rig.pass(desired: 2)
        #expect(calls.first == .readCatalog)
        #expect(calls.dropFirst().first == .listPods)
        #expect(creates(calls) == [Rig.ada, Rig.ada])
        #expect(rig.live.count == 2)
        #expect(
            rig.reports.last
                == .passFinished(pods: [rig.pool.id: 0], running: [rig.pool.id: 0], prices: [rig.pool.id: 0.69]))
        rig.advance(5)
        let second = rig.pass(desired: 2)
        #expect(second == [.listPods], "catalog still fresh, pods counted")
        #expect(!rig.machine.isInPass)
    }

    struct CreateCase: Sendable, CustomStringConvertible {
        var kind: ReconcileFailure.Kind
        var retryAfter: Double?
        var result: String
        /// Offerings created in the failing pass (desired 2).
        var created: [Offering]
        var blockedFor: Double?
        var stopped: Bool
        var expectationKept: Bool
        var description: String { "\(kind) retryAfter \(retryAfter.map { "\($0)" } ?? "-")" }
    }

    static let createCases: [CreateCase] = [
        CreateCase(
            kind: .noCapacity, result: "no_capacity", created: [Rig.l40s, Rig.l40s], blockedFor: nil, stopped: false,
            expectationKept: false),
        CreateCase(
            kind: .answerLost, result: "answer_lost", created: [], blockedFor: 5, stopped: false,
            expectationKept: true),
        CreateCase(
            kind: .rateLimited, retryAfter: 42, result: "error", created: [], blockedFor: 42, stopped: false,
            expectationKept: false),
        CreateCase(
            kind: .rateLimited, result: "error", created: [], blockedFor: 10, stopped: false, expectationKept: false),
        CreateCase(
            kind: .refused, result: "error", created: [], blockedFor: nil, stopped: true, expectationKept: false),
        CreateCase(
            kind: .notFound, result: "error", created: [], blockedFor: 5, stopped: false, expectationKept: false),
        CreateCase(kind: .other, result: "error", created: [], blockedFor: 5, stopped: false, expectationKept: false),
    ]

    @Test(arguments: createCases) func aFailedCreate(_ c: CreateCase) {
        var rig = Rig()
        rig.lostCreatesMakePods = false
        rig.fail(.create, c.kind, retryAfter: c.retryAfter)
        let calls = rig.pass(desired: 2)
        let attempted = creates(calls)
        #expect(attempted.first == Rig.ada, "the first try is the first offering")
        #expect(Array(attempted.dropFirst()) == c.created, "the rest of the plan is dropped unless re-planned")
        let failed = rig.reports.contains {
            if case .createFailed(_, _, Rig.ada, c.result, _) = $0 { true } else { false }
        }
        #expect(failed)
        let state = rig.machine.state
        if let seconds = c.blockedFor {
            #expect(state.blockedUntil == Rig.t0.addingTimeInterval(seconds))
        } else {
            #expect(state.blockedUntil == nil)
        }
        #expect((state.stopped(at: rig.now) != nil) == c.stopped)
        #expect(rig.reports.contains(.accountStopped(reason: "injected refused")) == c.stopped)
        #expect(rig.machine.problems(at: rig.now).contains { $0.contains("creates stopped") } == c.stopped)
        let kept = state.expectations[rig.pool.id]?.contains { $0.confirmedId == nil } ?? false
        #expect(kept == c.expectationKept)
        if c.kind == .noCapacity {
            #expect(state.unavailableUntil[Rig.ada] == Rig.t0.addingTimeInterval(60))
            let planned = rig.reports.last { if case .planned = $0 { true } else { false } }
            #expect(
                planned
                    == .planned(
                        rig.pool.id, rig.machine.state.status[rig.pool.id]!,
                        unavailable: [Rig.ada: true, Rig.l40s: false]))
        }
    }

    @Test func aLostAnswerIsLookedForBeforeCreatingAgain() {
        var rig = Rig()
        rig.fail(.create, .answerLost)
        rig.pass(desired: 1)
        #expect(rig.live.count == 1, "the pod was made; its answer was lost")
        // Within the backoff and before a list could prove anything: no create.
        rig.advance(1)
        #expect(creates(rig.pass(desired: 1)).isEmpty)
        rig.advance(10)
        #expect(creates(rig.pass(desired: 1)).isEmpty, "the list shows the pod: it counts")
        #expect(rig.live.count == 1)
    }

    @Test func aLostAnswerThatMadeNothingIsRetriedAfterAListProvesIt() {
        var rig = Rig()
        rig.lostCreatesMakePods = false
        rig.fail(.create, .answerLost)
        rig.pass(desired: 1)
        #expect(rig.live.isEmpty)
        rig.advance(6)
        #expect(creates(rig.pass(desired: 1)) == [Rig.ada], "a later list proves no pod was made")
        #expect(rig.machine.state.backoffSeconds == 0, "a success resets the backoff")
    }

    @Test func backoffDoublesToFiveMinutes() {
        var rig = Rig()
        var seen: [Double] = []
        for _ in 0..<8 {
            rig.fail(.create, .other)
            rig.pass(desired: 1)
            seen.append(rig.machine.state.backoffSeconds)
            rig.advance(rig.machine.state.backoffSeconds + 1)
        }
        #expect(seen == [5, 10, 20, 40, 80, 160, 300, 300])
    }

    @Test func noCapacityEverywhereBlocksAndReportsEachOfferingOnce() {
        var rig = Rig()
        rig.fail(.create, .noCapacity, times: 2)
        let calls = rig.pass(desired: 3)
        #expect(creates(calls) == [Rig.ada, Rig.l40s])
        #expect(rig.machine.state.status[rig.pool.id]?.block == .noCapacity)
        rig.advance(61)
        #expect(creates(rig.pass(desired: 3)) == [Rig.ada, Rig.ada, Rig.ada], "retried after the pause")
    }

    struct TerminateCase: Sendable, CustomStringConvertible {
        var kind: ReconcileFailure.Kind
        var succeeded: Bool
        var blocked: Bool
        var stopped: Bool
        var description: String { "\(kind)" }
    }

    static let terminateCases: [TerminateCase] = [
        TerminateCase(kind: .notFound, succeeded: true, blocked: false, stopped: false),
        TerminateCase(kind: .answerLost, succeeded: false, blocked: false, stopped: false),
        TerminateCase(kind: .rateLimited, succeeded: false, blocked: true, stopped: false),
        TerminateCase(kind: .refused, succeeded: false, blocked: false, stopped: true),
        TerminateCase(kind: .other, succeeded: false, blocked: false, stopped: false),
        TerminateCase(kind: .noCapacity, succeeded: false, blocked: false, stopped: false),
    ]

    @Test(arguments: terminateCases) func aFailedTerminate(_ c: TerminateCase) {
        var rig = Rig()
        rig.pass(desired: 1)
        let id = rig.live[0].id
        rig.advance(5)
        rig.fail(.terminate, c.kind)
        #expect(terminates(rig.pass(desired: 0)) == [id])
        let reportedDone = rig.reports.contains {
            if case .terminated(rig.pool.id, id, _, .scaleDown) = $0 { true } else { false }
        }
        #expect(reportedDone == c.succeeded)
        #expect(rig.machine.state.terminating.contains(id) == c.succeeded, "a failed terminate is retried")
        #expect((rig.machine.state.blockedUntil != nil) == c.blocked)
        #expect((rig.machine.state.stopped(at: rig.now) != nil) == c.stopped)
        rig.advance(5)
        let next = terminates(rig.pass(desired: 0))
        #expect(next == (c.succeeded ? [] : [id]), "sent again only when it failed")
    }

    @Test(arguments: [ReconcileFailure.Kind.answerLost, .rateLimited, .refused, .other])
    func aFailedListChangesNothing(_ kind: ReconcileFailure.Kind) {
        var rig = Rig()
        rig.pass(desired: 2)
        rig.advance(5)
        rig.fail(.list, kind, retryAfter: 30)
        let calls = rig.pass(desired: 0)
        #expect(calls == [.listPods], "no terminate without a list")
        #expect(rig.live.count == 2)
        #expect(rig.machine.problems(at: rig.now).contains { $0.hasPrefix("RunPod list failing: injected") })
        #expect(
            rig.reports.contains(.listFailed(ReconcileFailure(kind, detail: "injected \(kind)", retryAfterSeconds: 30)))
        )
        #expect((rig.machine.state.blockedUntil == rig.now.addingTimeInterval(30)) == (kind == .rateLimited))
        #expect((rig.machine.state.stopped(at: rig.now) != nil) == (kind == .refused))
        rig.advance(5)
        #expect(terminates(rig.pass(desired: 0)).count == 2)
        #expect(rig.machine.state.lastListError == nil)
    }

    @Test func aFailedCatalogReadIsRetriedAfterThirtySecondsNotEveryPass() {
        var rig = Rig()
        rig.fail(.catalog, .answerLost)
        let first = rig.pass(desired: 1)
        #expect(first.prefix(2) == [.readCatalog, .listPods])
        #expect(creates(first).isEmpty, "no prices: a budgeted pool cannot create")
        rig.advance(10)
        #expect(!rig.pass(desired: 1).contains(.readCatalog))
        rig.advance(25)
        let third = rig.pass(desired: 1)
        #expect(third.first == .readCatalog)
        #expect(creates(third) == [Rig.ada])
    }

    /// Regression (fault soak): a replacement was created in the pass whose
    /// terminate of the failed pod had just failed, so RunPod held one pod more
    /// than maxReplicas (and its cost) until a later terminate went through.
    @Test func aFailedPodIsReplacedOnlyOnceRunPodHasEndedIt() {
        var pool = Rig.defaultPool()
        pool.maxReplicas = 2
        var rig = Rig(pool: pool)
        rig.pass(desired: 2)
        rig.pods[0].phase = .failed
        rig.pods[0].status = "ERROR"
        let failed = rig.pods[0].id
        rig.advance(5)
        rig.fail(.terminate, .other)
        let refused = rig.pass(desired: 2)
        #expect(terminates(refused) == [failed])
        #expect(creates(refused).isEmpty, "the failed pod still holds its room")
        #expect(rig.pods.count == 2)
        #expect(rig.machine.state.status[pool.id]?.block == .replacing(count: 1))
        rig.advance(10)
        let ended = rig.pass(desired: 2)
        #expect(terminates(ended) == [failed] && creates(ended).isEmpty, "replaced once the list shows it gone")
        #expect(rig.pods.count == 1)
        rig.advance(5)
        #expect(creates(rig.pass(desired: 2)) == [Rig.ada])
        #expect(rig.pods.count == 2)
    }

    /// Regression (fault soak): creates used catalog prices up to five minutes
    /// old, and RunPod bills the price of the moment, so a price rise passed
    /// maxCostPerHour. A pool with a budget reads the catalog in the pass that creates.
    @Test func aPriceRiseIsReadBeforeCreating() {
        var pool = Rig.defaultPool()
        pool.maxCostPerHour = 1.5
        var rig = Rig(pool: pool)
        rig.pass(desired: 1)
        rig.advance(60)
        rig.prices[Rig.ada] = 0.85
        let calls = rig.pass(desired: 2)
        #expect(calls.filter { $0 == .readCatalog }.count == 1)
        #expect(calls.first == .listPods && calls.dropFirst().first == .readCatalog, "listed, then priced")
        #expect(creates(calls) == [Rig.l40s], "Ada at 0.85 no longer fits next to the 0.69 pod")
        #expect(rig.live.reduce(0) { $0 + $1.costPerHour } <= 1.5)
        // Nothing to create: no extra read.
        rig.advance(5)
        #expect(rig.pass(desired: 2) == [.listPods])
        // Without a budget the cached prices do.
        var free = Rig.defaultPool()
        free.maxCostPerHour = nil
        var unbudgeted = Rig(pool: free)
        unbudgeted.pass(desired: 1)
        unbudgeted.advance(60)
        #expect(!unbudgeted.pass(desired: 2).contains(.readCatalog))
    }

    /// A pool with a budget whose price read fails creates nothing in that pass and does not ask again
    /// before `catalogRetrySeconds`; the next read that works lets the creates through.
    @Test func aFailedPriceReadHoldsBudgetedCreatesUntilARetryWorks() {
        var rig = Rig()
        rig.pass(desired: 1)
        rig.advance(60)
        rig.fail(.catalog, .other)
        let failed = rig.pass(desired: 2)
        #expect(failed == [.listPods, .readCatalog], "no create at prices not read in the pass")
        #expect(rig.machine.state.status[rig.pool.id]?.block == .pricesUnknown)
        rig.advance(10)
        #expect(rig.pass(desired: 2) == [.listPods], "no second read before the retry time")
        rig.advance(30)
        let retried = rig.pass(desired: 2)
        // The failed read left the prices stale: the retry comes at the start of the pass.
        #expect(Array(retried.prefix(2)) == [.readCatalog, .listPods])
        #expect(retried.filter { $0 == .readCatalog }.count == 1)
        #expect(creates(retried).count == 1)
        #expect(rig.live.count == 2)
    }

    @Test func losingLeadershipMidPassUndoesTheUnsentCommand() {
        var rig = Rig()
        let calls = rig.pass(desired: 3) { command in !command.mutates }
        #expect(creates(calls) == [Rig.ada], "the first create was refused locally; the rest dropped")
        #expect(rig.live.isEmpty)
        #expect(rig.machine.state.expectations[rig.pool.id]?.isEmpty ?? true)
        rig.advance(5)
        #expect(creates(rig.pass(desired: 3)).count == 3)
    }

    @Test func followersListButNeverAct() {
        var rig = Rig()
        let calls = rig.pass(desired: 3, mayAct: false)
        #expect(calls == [.readCatalog, .listPods])
        #expect(rig.reports.contains { if case .passFinished = $0 { true } else { false } })
    }

    @Test func dryRunReportsWhatItWouldSend() {
        var rig = Rig(dryRun: true)
        let calls = rig.pass(desired: 2)
        #expect(calls == [.readCatalog, .listPods])
        let would = rig.reports.filter { if case .wouldSend = $0 { true } else { false } }
        #expect(would.count == 2)
        #expect(rig.machine.state.expectations[rig.pool.id]?.isEmpty ?? true)
        rig.advance(60)
        #expect(rig.pass(desired: 2) == [.listPods], "nothing is billed: no catalog read for what it would send")
    }

    @Test func noDecisionHoldsThePool() {
        var rig = Rig()
        rig.pass(desired: 2)
        rig.advance(5)
        #expect(rig.pass(desired: nil) == [.listPods])
        #expect(rig.reports.contains(.summary(rig.pool.id, "holding 2 pods: no decision (demand unavailable)")))
    }

    @Test func orphansGetTheGraceOfThePoolTheyBelongedTo() {
        var gone = Rig.defaultPool()
        gone.scaling.orphanGraceSeconds = 20
        var rig = Rig(pool: gone, orphanGraceSeconds: 600)
        rig.pass(desired: 1)
        var other = Rig.defaultPool()
        other.id = PoolID(namespace: "media", name: "other")
        // The pool is deleted: its pod is an orphan with the pool's own grace (20 s), not the default (600 s).
        rig.advance(5)
        #expect(terminates(rig.pass(desired: nil, pools: [other])).isEmpty, "first seen now")
        rig.advance(21)
        let calls = rig.pass(desired: nil, pools: [other])
        #expect(terminates(calls).count == 1)
        #expect(calls.contains { if case .terminate(nil, _, _, .orphan) = $0 { true } else { false } })
        // Until the pools are known nothing is an orphan.
        var fresh = Rig(orphanGraceSeconds: 0)
        fresh.pods =
            rig.pods + [
                ObservedPod(
                    id: "x", name: "rpa-media-old-abcdefgh", phase: .running, status: "RUNNING", offering: Rig.ada,
                    costPerHour: 0.69, createdAt: Rig.t0)
            ]
        #expect(terminates(fresh.pass(desired: 0, poolsKnown: false)).isEmpty)
        fresh.advance(1)
        #expect(terminates(fresh.pass(desired: 0)) == ["x"])
    }

    func drained(_ reports: [ReconcileReport]) -> [PoolID] {
        reports.compactMap { if case .poolDrained(let pool) = $0 { pool } else { nil } }
    }

    @Test func aDeletedPoolLosesEveryPodAtOnceThenIsReportedDrained() {
        var rig = Rig()
        rig.pass(desired: 3)
        rig.advance(5)
        rig.reports = []
        // Deleted while the HPA still asks for 3, or while there is no decision: every pod goes now.
        for desired in [3, nil] as [Int?] {
            var again = rig
            let calls = again.pass(desired: desired, deleting: [rig.pool.id])
            #expect(terminates(calls).count == 3)
            #expect(calls.allSatisfy { if case .terminate(_, _, _, .poolDeleted) = $0 { true } else { !$0.mutates } })
            #expect(drained(again.reports).isEmpty, "the pass's list still showed the pods")
            again.advance(5)
            again.reports = []
            #expect(again.pass(desired: desired, deleting: [rig.pool.id]) == [.listPods])
            #expect(drained(again.reports) == [rig.pool.id])
        }
        // Without the deletion nothing is reported.
        rig.pass(desired: 3)
        #expect(drained(rig.reports).isEmpty)
    }

    @Test func aDeletedPoolIsNotDrainedWhileALostCreateMayStillAppear() {
        var rig = Rig()
        rig.lostCreatesMakePods = false
        rig.fail(.create, .answerLost)
        rig.pass(desired: 1)
        #expect(rig.live.isEmpty)
        rig.reports = []
        // The next list is within the lost answer's grace: the pod may still show up.
        rig.pass(desired: 1, deleting: [rig.pool.id])
        #expect(drained(rig.reports).isEmpty)
        rig.advance(5)
        rig.pass(desired: 1, deleting: [rig.pool.id])
        #expect(drained(rig.reports) == [rig.pool.id], "a later list proves the create made nothing")
    }

    @Test func followersNeverReportADeletedPoolDrained() {
        var rig = Rig()
        rig.pass(desired: 0, mayAct: false, deleting: [rig.pool.id])
        #expect(drained(rig.reports).isEmpty)
    }

    @Test func aDryRunKeepsADeletedPoolsPods() {
        var rig = Rig()
        rig.pass(desired: 2)
        var dry = Rig(dryRun: true)
        dry.pods = rig.pods
        let calls = dry.pass(desired: 2, deleting: [rig.pool.id])
        #expect(terminates(calls).isEmpty && dry.live.count == 2)
        #expect(
            dry.reports.filter { if case .wouldSend(.terminate(_, _, _, .poolDeleted)) = $0 { true } else { false } }
                .count == 2)
        #expect(drained(dry.reports).isEmpty)
    }
}
