import Foundation
import Testing

@testable import Decisions

/// The pure values the alerting metrics are made of: why creates are held
/// back, how long a pod has been starting, how many orphans a list showed.
@Suite struct AlertSignalTests {
    typealias Rig = MachineRig

    static func pod(_ id: String, _ phase: PodPhase, status: String, createdSecondsAgo: Double?) -> ObservedPod {
        ObservedPod(
            id: id, name: "rpa-media-burst-\(id)", phase: phase, status: status, offering: Rig.ada, costPerHour: 0.69,
            createdAt: createdSecondsAgo.map { Rig.t0.addingTimeInterval(-$0) })
    }

    static func status(_ pods: [ObservedPod]) -> PoolReconcileStatus {
        PoolReconcileStatus(
            desired: pods.count, podsByStatus: [:], running: 0, counted: pods.count, costPerHour: 0, block: nil,
            pods: pods, stoppedReason: nil, at: Rig.t0)
    }

    @Test func everyBlockHasItsOwnListedReason() {
        let blocks: [CreateBlock] = [
            .stopped("unauthorized (401): bad key"), .paused(seconds: 10), .lostAnswer(name: "rpa-media-burst-x"),
            .noCapacity, .budget(used: 14.5, limit: 15), .replacing(count: 1), .pricesUnknown,
        ]
        #expect(blocks.map(\.reason) == CreateBlock.reasons)
        #expect(Set(CreateBlock.reasons).count == CreateBlock.reasons.count)
    }

    @Test func theOldestPendingPodSetsTheAge() {
        let status = Self.status([
            Self.pod("a", .pending, status: "PROVISIONING", createdSecondsAgo: 40),
            Self.pod("b", .pending, status: "STARTING", createdSecondsAgo: 700),
            Self.pod("c", .running, status: "RUNNING", createdSecondsAgo: 5000),
            Self.pod("d", .failed, status: "EXITED", createdSecondsAgo: 9000),
            Self.pod("e", .pending, status: "PROVISIONING", createdSecondsAgo: nil),
        ])
        #expect(status.oldestPendingSeconds == 700, "RUNNING, EXITED and undated pods do not count")
    }

    @Test func noPendingPodIsAgeZero() {
        #expect(Self.status([]).oldestPendingSeconds == 0)
        #expect(
            Self.status([Self.pod("c", .running, status: "RUNNING", createdSecondsAgo: 60)]).oldestPendingSeconds == 0)
        // A clock behind RunPod's never gives a negative age.
        #expect(
            Self.status([Self.pod("f", .pending, status: "PROVISIONING", createdSecondsAgo: -30)]).oldestPendingSeconds
                == 0)
    }

    @Test func theBudgetBlockIsWhatThePlanReports() {
        var pool = Rig.defaultPool()
        pool.maxCostPerHour = 1.5
        var rig = Rig(pool: pool)
        rig.pass(desired: 5)
        let status = rig.machine.state.status[pool.id]
        #expect(status?.block?.reason == "budget", "two pods at 0.69 fit, a third would pass 1.5")
        #expect(rig.live.count == 2)
    }

    @Test func orphansAreCountedOnceThePoolsAreKnown() {
        var rig = Rig()
        let foreign = ObservedPod(
            id: "z", name: "someone-else-1", phase: .running, status: "RUNNING", offering: Rig.ada, costPerHour: 0.69,
            createdAt: Rig.t0)
        let orphan = ObservedPod(
            id: "x", name: "rpa-media-old-abcdefgh", phase: .running, status: "RUNNING", offering: Rig.ada,
            costPerHour: 0.69, createdAt: Rig.t0)
        let gone = ObservedPod(
            id: "y", name: "rpa-media-old-ijklmnop", phase: .terminated, status: "TERMINATED", offering: Rig.ada,
            costPerHour: 0, createdAt: Rig.t0)
        rig.pods = [foreign, orphan, gone]
        rig.pass(desired: 1, poolsKnown: false)
        #expect(!rig.reports.contains { if case .orphans = $0 { true } else { false } }, "unknown pools: no count")
        rig.reports = []
        rig.advance(5)
        rig.pass(desired: 1)
        #expect(rig.reports.contains(.orphans(count: 1)), "ours, live, of no pool; the pool's own pod is not one")
        // Not the leader: the list still shows them.
        rig.reports = []
        rig.advance(5)
        rig.pass(desired: 1, mayAct: false)
        #expect(rig.reports.contains(.orphans(count: 1)))
    }
}
