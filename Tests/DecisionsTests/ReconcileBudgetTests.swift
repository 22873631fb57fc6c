import Foundation
import Testing

@testable import Decisions

/// The budget inside the reconcile machine: order, fairness, headers and 429s.
@Suite struct ReconcileBudgetTests {
    typealias Rig = MachineRig

    static func pool(_ name: String) -> PoolSpec {
        var spec = Rig.defaultPool()
        spec.id = PoolID(namespace: "media", name: name)
        return spec
    }

    static func pod(_ id: String, pool: String, _ phase: PodPhase = .running) -> ObservedPod {
        ObservedPod(
            id: id, name: "rpa-media-\(pool)-\(id)aaaaaa", phase: phase,
            status: phase == .running ? "RUNNING" : "ERROR",
            offering: Rig.ada, costPerHour: 0.69, createdAt: Rig.t0)
    }

    func createdPools(_ calls: [ReconcileCommand]) -> [String] {
        calls.compactMap { if case .create(let pool, _, _, _) = $0 { pool.name } else { nil } }
    }

    func budgetReport(_ reports: [ReconcileReport]) -> (remaining: Int, deferred: [String: Int])? {
        reports.reversed().lazy.compactMap {
            if case .budget(let remaining, let deferred) = $0 { (remaining, deferred) } else { nil }
        }.first
    }

    @Test func listFirstThenTerminatesOfEveryPoolThenCreates() {
        let (a, b) = (Self.pool("a"), Self.pool("b"))
        var rig = Rig(pool: a, requestsPerMinute: 60)
        // a needs one pod more; b has two too many.
        rig.pods = [Self.pod("b1", pool: "b"), Self.pod("b2", pool: "b")]
        let calls = rig.pass(desired: nil, pools: [a, b], wanted: [a.id: 1, b.id: 0])
        #expect(Array(calls.prefix(2)) == [.readCatalog, .listPods])
        let kinds = calls.dropFirst(2).map { if case .create = $0 { "create" } else { "terminate" } }
        #expect(kinds == ["terminate", "terminate", "create"], "b's terminates go before a's create")
        #expect(budgetReport(rig.reports)?.remaining == 55)
        #expect(budgetReport(rig.reports)?.deferred == [:])
    }

    @Test func aShortBudgetSharesCreatesRoundRobinAcrossPasses() {
        let pools = ["a", "b", "c"].map(Self.pool)
        var rig = Rig(pool: pools[0], requestsPerMinute: 7)
        let wanted = Dictionary(uniqueKeysWithValues: pools.map { ($0.id, 4) })
        // 7 calls: catalog, list, then 5 creates of 12 wanted.
        let first = rig.pass(desired: nil, pools: pools, wanted: wanted)
        #expect(first.count == 7)
        #expect(createdPools(first) == ["a", "b", "c", "a", "b"])
        let report = budgetReport(rig.reports)
        #expect(report?.remaining == 0)
        #expect(report?.deferred == ["create": 7])
        // Within the window nothing at all is sent, not even a list.
        rig.advance(30)
        #expect(rig.pass(desired: nil, pools: pools, wanted: wanted).isEmpty)
        #expect(budgetReport(rig.reports)?.deferred == ["list": 1])
        // The next window: list, the catalog again (pools with a budget create only at prices read in the
        // same pass), then creates from c, the pool left waiting first.
        rig.advance(30)
        let second = rig.pass(desired: nil, pools: pools, wanted: wanted)
        #expect(Array(second.prefix(2)) == [.listPods, .readCatalog])
        #expect(createdPools(second) == ["c", "a", "b", "c", "a"])
        let counts = Dictionary(grouping: createdPools(first + second), by: { $0 }).mapValues(\.count)
        #expect(counts == ["a": 4, "b": 3, "c": 3])
    }

    @Test func headersOverrideTheConfiguredLimit() {
        var rig = Rig(requestsPerMinute: 60)
        // The service says only two calls are left after the list (someone else uses the key).
        rig.rateLimit = { command in
            command == .listPods
                ? RateLimitReading(limit: 60, windowSeconds: 60, remaining: 2, resetSeconds: 40, observedAt: Rig.t0)
                : nil
        }
        let calls = rig.pass(desired: 5)
        #expect(calls.filter { if case .create = $0 { true } else { false } }.count == 2)
        #expect(budgetReport(rig.reports)?.deferred == ["create": 3])
        rig.advance(39)
        #expect(rig.pass(desired: 5).isEmpty, "the service's window has not reset yet")
        rig.advance(1)
        let last = rig.pass(desired: 5)
        #expect(last.count == 5, "list, the catalog for the budgeted pool's creates, and the three creates left")
        #expect(Array(last.prefix(2)) == [.listPods, .readCatalog])
    }

    @Test func a429StopsEveryCallUntilRetryAfter() {
        var rig = Rig(requestsPerMinute: 60)
        rig.fail(.create, .rateLimited, retryAfter: 30)
        let calls = rig.pass(desired: 3)
        #expect(calls.filter { if case .create = $0 { true } else { false } }.count == 1)
        rig.advance(20)
        #expect(rig.pass(desired: 3).isEmpty, "not even a list before Retry-After")
        rig.advance(10)
        let after = rig.pass(desired: 3)
        #expect(after.first == .listPods)
        #expect(after.filter { if case .create = $0 { true } else { false } }.count == 3)
    }

    @Test func noMinuteEverSeesMoreCallsThanTheLimit() {
        let pools = ["a", "b"].map(Self.pool)
        var rig = Rig(pool: pools[0], requestsPerMinute: 10)
        var sent: [(Date, ReconcileCommand)] = []
        for step in 0..<120 {
            // Demand moves up and down so terminates and creates both happen.
            let want = step % 40 < 20 ? 15 : 2
            let calls = rig.pass(desired: nil, pools: pools, wanted: [pools[0].id: want, pools[1].id: want])
            sent += calls.map { (rig.now, $0) }
            rig.advance(5)
        }
        #expect(sent.count >= 90, "10 minutes at 10 a minute: the budget was used, not just withheld")
        for (start, _) in sent {
            let inWindow = sent.filter { $0.0 >= start && $0.0 < start.addingTimeInterval(60) }.count
            #expect(inWindow <= 10)
        }
    }

    @Test func withoutALimitNothingIsCountedOrReported() {
        var rig = Rig()
        let calls = rig.pass(desired: 20)
        #expect(calls.count == 22, "catalog, list and all 20 creates (maxReplicas)")
        #expect(budgetReport(rig.reports) == nil)
    }
}
