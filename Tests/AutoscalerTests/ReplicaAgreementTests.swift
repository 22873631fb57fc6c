import Decisions
import Foundation
import KubeClient
import Primitives
import Synchronization
import TestSupport
import Testing

@testable import Autoscaler

/// Two replicas on one cluster: the leader publishes its decision in the
/// RunPodPool status and the follower serves it, so KEDA, which asks either,
/// gets the same answer; a stale or foreign decision makes the follower decide
/// alone, from the leader's memory.
@Suite final class ReplicaAgreementTests: Sendable {
    let clock = ManualClock(KubeFixtures.t0)
    let cluster: InMemoryCluster
    let leaderStore = KubeFixtures.store()
    let followerStore = KubeFixtures.store()
    let leader: LeaderElector
    let follower: LeaderElector
    let writer: PoolStatusWriter
    /// What the leader's reconciler saw last.
    let reconciled = Reconciled()

    final class Reconciled: Sendable {
        let statuses = Mutex<[PoolID: PoolReconcileStatus]>([:])
    }

    init() async {
        let clock = self.clock
        cluster = InMemoryCluster(now: { clock.now })
        cluster.put(KubeFixtures.runPodPool("media", "burst", replicas: 3), in: .runPodPools(namespace: "media"))
        leader = KubeFixtures.elector("pod-a", cluster, clock)
        follower = KubeFixtures.elector("pod-b", cluster, clock)
        let (leader, reconciled) = (self.leader, self.reconciled)
        writer = PoolStatusWriter(
            client: cluster, identity: "pod-a", store: leaderStore, reconciler: { reconciled.statuses.withLock { $0 } },
            isLeader: { leader.isLeader }, logger: KubeFixtures.logger, now: { clock.now })
        await leader.attempt()
        await follower.attempt()
    }

    /// Both replicas read demand and the cluster; the leader's reconciler saw `pods` pods; the leader publishes.
    func round(queue: Int, pods: Int = 3, publish: Bool = true) async {
        await leader.attempt()
        await follower.attempt()
        let reading = DemandReading(queueDepth: queue, latencyP95Seconds: 2, readAt: clock.now)
        await KubeFixtures.observe(cluster, into: leaderStore, clock: clock)
        leaderStore.update(now: clock.now) { inputs in
            inputs.demand.lastGood = reading
            inputs.runpodPods = [KubeFixtures.burst: pods]
            inputs.runpodRunning = [KubeFixtures.burst: pods]
        }
        if publish {
            reconciled.statuses.withLock {
                $0[KubeFixtures.burst] = PoolStatusWriterTests.reconcileStatus(
                    desired: 3, running: pods, at: KubeFixtures.t0)
            }
            await writer.writeOnce()
        }
        await KubeFixtures.observe(cluster, into: followerStore, clock: clock)
        let followed = follower.followed
        followerStore.update(now: clock.now) { inputs in
            inputs.demand.lastGood = reading
            inputs.followedLeader = followed
        }
    }

    func view(_ store: ScalerStateStore) throws -> PoolView {
        try #require(store.snapshot.pools[KubeFixtures.burst])
    }

    func sameAnswers(_ a: PoolView, _ b: PoolView) -> Bool {
        ScalerMetric.allCases.allSatisfy { a.answers.metric($0) == b.answers.metric($0) }
            && a.answers.isActive == b.answers.isActive
    }

    @Test func theFollowerServesTheLeadersHoldItNeverSaw() async throws {
        #expect(leader.isLeader && !follower.isLeader)
        #expect(follower.followed?.identity == "pod-a")
        // Queue 40 on 1 local GPU: wanted 5, burst 4, only the leader saw it.
        await round(queue: 40)
        #expect(try view(leaderStore).decision?.burst == 4)
        // The queue empties: the leader holds 4 for scaleDownIdleSeconds (60 s); alone, the follower would say 0.
        clock.advance(10)
        await round(queue: 0)
        let leaderView = try view(leaderStore)
        let followerView = try view(followerStore)
        #expect(leaderView.decision?.burst == 4)
        #expect(leaderView.decision?.reason.hasPrefix("holding burst 4") == true)
        #expect(followerView.servedFrom == "pod-a")
        #expect(followerView.decision?.burst == 4)
        #expect(followerView.values == leaderView.values)
        #expect(sameAnswers(leaderView, followerView), "GetMetrics and IsActive bytes are the same")
        #expect(
            cluster.object(at: .runPodPools(namespace: "media").named("burst"))?["status"]["decision"]["leader"]
                == "pod-a")
    }

    @Test func aStaleDecisionIsReplacedByTheFollowersOwnFromTheLeadersMemory() async throws {
        await round(queue: 40)
        clock.advance(10)
        await round(queue: 0)
        // The leader keeps its lease but stops publishing: after staleAfterSeconds (60) the follower decides alone.
        for _ in 0..<16 {
            clock.advance(4)
            await round(queue: 0, publish: false)
        }
        let followerView = try view(followerStore)
        #expect(follower.followed?.identity == "pod-a", "the lease is still held")
        #expect(followerView.servedFrom == nil)
        #expect(followerView.ownDecisionReason?.contains("pod-a published is") == true)
        // Its own decision started from the leader's memory (busy 74 s ago: past the 60 s idle, so lowered).
        #expect(followerView.decision?.burst == 0)
        // The pod count comes from the status the leader wrote, not from RunPod.
        #expect(followerView.values[.runpodPods] == 3)
    }

    /// A follower deciding alone does not call RunPod, so it has no price of its own: the leader's, from the
    /// status, still caps the burst at maxCostPerHour.
    @Test func aFollowerDecidingAloneCapsTheBurstAtTheLeadersPrice() async throws {
        var pool = KubeFixtures.runPodPool("media", "burst", replicas: 3)
        pool["spec"]["maxCostPerHour"] = 2
        cluster.put(pool, in: .runPodPools(namespace: "media"))
        leaderStore.update(now: clock.now) { $0.podPrices = [KubeFixtures.burst: 0.8] }
        await round(queue: 40, pods: 0)
        #expect(
            cluster.object(at: .runPodPools(namespace: "media").named("burst"))?["status"]["podPricePerHour"] == 0.8)
        // The leader stops publishing; the follower decides alone with queue 40: wanted 5, burst 4 uncapped,
        // but 2 pods of 0.8 USD/h is all 2 USD/h buys.
        for _ in 0..<16 {
            clock.advance(4)
            await round(queue: 40, pods: 0, publish: false)
        }
        let followerView = try view(followerStore)
        #expect(followerView.servedFrom == nil)
        #expect(followerView.decision?.wanted == 5)
        #expect(followerView.decision?.burst == 2)
        #expect(followerView.values[.runpodHeadroom] == 2)
    }

    @Test func aDecisionOfAnotherReplicaIsNotServed() async throws {
        await round(queue: 40)
        // pod-a's lease lapses; pod-b takes over but has not published yet; pod-c follows pod-b.
        clock.advance(16)
        await follower.attempt()
        #expect(follower.isLeader)
        let third = KubeFixtures.elector("pod-c", cluster, clock)
        await third.attempt()
        let store = KubeFixtures.store()
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        let followed = third.followed
        store.update(now: clock.now) { inputs in
            inputs.demand.lastGood = DemandReading(queueDepth: 0, latencyP95Seconds: 2, readAt: clock.now)
            inputs.followedLeader = followed
        }
        let view = try view(store)
        #expect(followed?.identity == "pod-b")
        #expect(view.servedFrom == nil)
        #expect(view.ownDecisionReason == "pod-b leads but has published no decision for this pool")
    }

    @Test func theDocumentRoundTrips() throws {
        let decision = Decision(
            thresholdActive: true, wanted: 9, burst: 5, reason: "holding burst 5 (would be 3): queue not empty",
            memory: PolicyMemory(
                burst: 5, lastBusyAt: KubeFixtures.t0.addingTimeInterval(0.25),
                lowerSince: KubeFixtures.t0.addingTimeInterval(-30)))
        let published = PublishedDecision(
            leader: "pod-a", publishedAt: KubeFixtures.t0.addingTimeInterval(1.5), decision: decision,
            values: [.burst: 5, .wanted: 9, .queueDepth: 42, .runpodPods: 4, .localAvailable: 2, .runpodHeadroom: 1])
        let parsed = try #require(PublishedDecisionDocument.parse(PublishedDecisionDocument.json(published)))
        #expect(parsed == published)
        #expect(PublishedDecisionDocument.parse(["leader": "x"]) == nil)
        #expect(PublishedDecisionDocument.parse(.null) == nil)
    }

    @Test func theLeaderRepublishesBeforeFollowersCountItStale() async throws {
        await round(queue: 40)
        cluster.clearCalls()
        clock.advance(2)
        await round(queue: 40)
        #expect(cluster.calls.filter { $0.verb == .mergePatch }.isEmpty, "unchanged: not written again yet")
        // staleAfterSeconds 60: republished after 20 s even though nothing changed.
        clock.advance(19)
        await round(queue: 40)
        #expect(cluster.calls.filter { $0.verb == .mergePatch }.count == 1)
        let followerView = try view(followerStore)
        #expect(followerView.servedFrom == "pod-a")
    }
}
