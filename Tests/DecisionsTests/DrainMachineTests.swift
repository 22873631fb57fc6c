import Foundation
import Testing

@testable import Decisions

/// The pure drain machine on a hand-moved clock: what it terminates, how it retries, when it gives up.
@Suite struct DrainMachineTests {
    typealias Rig = DrainRig

    static let account = [
        Rig.pod("b1", "rpa-media-burst-aaaaaaa1", cost: 0.69),
        Rig.pod("b2", "rpa-media-burst-aaaaaaa2", cost: 0.79),
        Rig.pod("c1", "rpa-media-batch-ccccccc1", cost: 1.39),
        Rig.pod("o1", "rpa-ml-gone-ddddddd1", cost: 0.5),
        Rig.pod("f1", "someone-elses-pod", cost: 2.0),
        Rig.pod("f2", "rpa", cost: 2.0),
        Rig.pod("t1", "rpa-media-burst-aaaaaaa3", phase: .terminated),
    ]

    func result(_ machine: DrainMachine, _ id: String) -> DrainTarget.Result? {
        machine.targets.first { $0.id == id }?.result(dryRun: machine.settings.dryRun)
    }

    @Test func drainsEveryPodOfOursAndNothingElse() {
        var rig = Rig(pods: Self.account)
        let (outcome, machine) = rig.run()
        #expect(outcome == .drained)
        #expect(Set(rig.terminated) == ["b1", "b2", "c1", "o1"], "foreign and terminated pods are left alone")
        #expect(rig.pods.map(\.id).sorted() == ["f1", "f2", "t1"])
        #expect(
            machine.targets.map(\.pool) == [
                PoolID(namespace: "media", name: "burst"), PoolID(namespace: "media", name: "burst"),
                PoolID(namespace: "media", name: "batch"), nil,
            ])
        #expect(machine.targets.allSatisfy { $0.result(dryRun: false) == .terminated })
        #expect(rig.times(of: .list) == [0, 0], "the last accepted terminate is followed by a list at once")
    }

    @Test func drainsOnlyTheSelectedPool() {
        var rig = Rig(pods: Self.account, selection: .pool(PoolID(namespace: "media", name: "burst")))
        let (outcome, machine) = rig.run()
        #expect(outcome == .drained)
        #expect(rig.terminated == ["b1", "b2"])
        #expect(machine.targets.map(\.costPerHour) == [0.69, 0.79])
        #expect(rig.pods.map(\.id).sorted() == ["c1", "f1", "f2", "o1", "t1"])
    }

    @Test func aPoolSelectionMatchesTheWholeNameHead() {
        // media/burst must not take the pods of media/burst-2 or of a longer suffix.
        var rig = Rig(
            pods: [
                Rig.pod("x1", "rpa-media-burst-2-aaaaaaa1"), Rig.pod("x2", "rpa-media-burst-aaaaaaaaa"),
                Rig.pod("b1", "rpa-media-burst-aaaaaaa1"),
            ], selection: .pool(PoolID(namespace: "media", name: "burst")))
        let (outcome, _) = rig.run()
        #expect(outcome == .drained)
        #expect(rig.terminated == ["b1"])
    }

    @Test func aDryRunListsOnceAndSendsNothing() {
        var rig = Rig(pods: Self.account, dryRun: true)
        let (outcome, machine) = rig.run()
        #expect(outcome == .dryRun)
        #expect(rig.calls.map(\.call) == [.list])
        #expect(machine.targets.map(\.id) == ["b1", "b2", "c1", "o1"])
        #expect(result(machine, "b1") == .wouldTerminate)
    }

    @Test func nothingToDrainIsDrained() {
        var rig = Rig(pods: [Rig.pod("f1", "someone-elses-pod")])
        let (outcome, machine) = rig.run()
        #expect(outcome == .drained && machine.targets.isEmpty && rig.terminated.isEmpty)
    }

    @Test func failedTerminatesAreRetriedWithDoublingBackoff() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")])
        rig.fail(.terminate, .answerLost, times: 3)
        let (outcome, machine) = rig.run()
        #expect(outcome == .drained)
        #expect(rig.times(of: .terminate) == [0, 1, 3, 7], "1 s, then 2 s, then 4 s")
        #expect(machine.targets[0].attempts == 4 && result(machine, "b1") == .terminated)
    }

    @Test func aRateLimitPausesEveryCallForItsRetryAfter() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1"), Rig.pod("b2", "rpa-media-burst-aaaaaaa2")])
        rig.fail(.terminate, .rateLimited, retryAfter: 7)
        let (outcome, _) = rig.run()
        #expect(outcome == .drained)
        #expect(
            rig.calls.filter { $0.call == .terminate }.map { "\($0.id!)@\(Int($0.at))" } == ["b1@0", "b1@7", "b2@7"])
    }

    @Test func aRateLimitedListIsRetriedAfterItsRetryAfter() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")])
        rig.fail(.list, .rateLimited)
        let (outcome, _) = rig.run()
        #expect(outcome == .drained)
        #expect(rig.times(of: .list) == [0, 10, 10], "no Retry-After: the default pause")
    }

    @Test func aPodAlreadyGoneCountsAsTerminated() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")])
        rig.fail(.terminate, .notFound)
        let (outcome, machine) = rig.run()
        #expect(outcome == .drained && rig.times(of: .terminate) == [0])
        #expect(machine.targets[0].attempts == 1 && result(machine, "b1") == .terminated)
    }

    @Test func aPodThatVanishesBeforeAnAcceptedTerminateIsAlreadyGone() {
        let rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1"), Rig.pod("b2", "rpa-media-burst-aaaaaaa2")])
        let t = rig.now
        let lost = ReconcileFailure(.answerLost, detail: "timeout")
        var machine = DrainMachine(settings: rig.settings)
        #expect(machine.start(now: t) == .list)
        #expect(machine.handle(.listed(rig.pods), now: t) == .terminate(podId: "b1"))
        #expect(machine.handle(.terminateFailed(lost), now: t) == .terminate(podId: "b2"))
        #expect(machine.handle(.terminated, now: t) == .wait(until: t + 1))
        #expect(machine.resume(now: t + 1) == .terminate(podId: "b1"))
        #expect(machine.handle(.terminateFailed(lost), now: t + 1) == .wait(until: t + 2))
        #expect(machine.resume(now: t + 2) == .list)
        // RunPod did terminate b1: only its answers were lost.
        #expect(machine.handle(.listed([]), now: t + 2) == .finished(.drained))
        #expect(result(machine, "b1") == .alreadyGone && result(machine, "b2") == .terminated)
    }

    @Test func refusalsEndTheDrainAtOnce() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1"), Rig.pod("b2", "rpa-media-burst-aaaaaaa2")])
        rig.fail(.terminate, .refused)
        let (outcome, machine) = rig.run()
        #expect(outcome == .refused("injected refused"))
        #expect(rig.terminated == ["b1"])
        #expect(result(machine, "b1") == .remaining("injected refused"))
        #expect(result(machine, "b2") == .remaining("no terminate sent yet"))
    }

    @Test func terminatesThatKeepFailingTimeOutWithTheReason() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")], timeout: 100)
        rig.fail(.terminate, .other, times: 1000)
        let (outcome, machine) = rig.run()
        #expect(outcome == .timedOut)
        #expect(rig.times(of: .terminate) == [0, 1, 3, 7, 15, 31, 61, 91], "backoff capped at 30 s")
        #expect(result(machine, "b1") == .remaining("injected other"))
        #expect(rig.now == Rig.t0.addingTimeInterval(100), "it stops at the deadline")
    }

    @Test func noListBeforeTheDeadlineIsUnreachable() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")], timeout: 20)
        rig.fail(.list, .answerLost, times: 1000)
        let (outcome, machine) = rig.run()
        #expect(outcome == .unreachable("injected answerLost"))
        #expect(rig.times(of: .list) == [0, 1, 3, 7, 15])
        #expect(machine.targets.isEmpty && rig.terminated.isEmpty)
    }

    @Test func aPodStillListedAfterItsTerminateGetsAnotherThenTimesOut() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")], timeout: 70)
        rig.listedAfterTerminate = 1000
        let (outcome, machine) = rig.run()
        #expect(outcome == .timedOut)
        #expect(rig.times(of: .terminate) == [0, 30, 60])
        #expect(result(machine, "b1") == .remaining("terminate accepted, still listed"))
        #expect(rig.times(of: .list).count > 30, "listed every poll interval meanwhile")
    }

    @Test func aSlowListIsWaitedFor() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")])
        rig.listedAfterTerminate = 3
        let (outcome, _) = rig.run()
        #expect(outcome == .drained)
        #expect(rig.times(of: .list) == [0, 0, 2, 4, 6], "shown by three lists after its terminate")
        #expect(rig.times(of: .terminate) == [0], "no second terminate within resendSeconds")
    }

    @Test func podsThatAppearLaterAreDrainedToo() {
        var rig = Rig(pods: [Rig.pod("b1", "rpa-media-burst-aaaaaaa1")])
        rig.appearing = [Rig.pod("b9", "rpa-media-burst-aaaaaaa9"), Rig.pod("f9", "other-pod")]
        let (outcome, machine) = rig.run()
        #expect(outcome == .drained)
        #expect(rig.terminated == ["b1", "b9"])
        #expect(machine.targets.map(\.id) == ["b1", "b9"])
    }
}
