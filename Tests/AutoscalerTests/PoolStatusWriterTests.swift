import Decisions
import Foundation
import KubeClient
import Primitives
import Synchronization
import TestSupport
import Testing

@testable import Autoscaler

/// The RunPodPool status writer against the in-memory cluster, leadership from a real elector on the same cluster.
@Suite final class PoolStatusWriterTests: Sendable {
    static let status = ResourcePath.runPodPools(namespace: "media").named("burst").subresource("status")
    let clock = ManualClock(KubeFixtures.t0)
    let cluster: InMemoryCluster
    let store = KubeFixtures.store()
    /// What the reconciler's last pass saw, per pool.
    let reconciled = Mutex<[PoolID: PoolReconcileStatus]>([:])

    init() async {
        let clock = self.clock
        cluster = InMemoryCluster(now: { clock.now })
        cluster.put(
            KubeFixtures.runPodPool("media", "burst", replicas: 3, generation: 3), in: .runPodPools(namespace: "media"))
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        reconciled.withLock {
            $0[KubeFixtures.burst] = Self.reconcileStatus(desired: 3, running: 2, at: KubeFixtures.t0)
        }
        cluster.clearCalls()
    }

    static func reconcileStatus(desired: Int, running: Int, at date: Date) -> PoolReconcileStatus {
        let pods = (0..<running).map { index in
            ObservedPod(
                id: "p\(index)", name: "rpa-media-burst-\(index)", phase: .running, status: "RUNNING",
                offering: Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure), costPerHour: 0.79,
                createdAt: KubeFixtures.t0)
        }
        return PoolReconcileStatus(
            desired: desired, podsByStatus: ["RUNNING": running], running: running, counted: running,
            costPerHour: 0.79 * Double(running), block: nil, pods: pods, stoppedReason: nil, at: date)
    }

    func writer(isLeader: @escaping @Sendable () -> Bool) -> PoolStatusWriter {
        let clock = self.clock
        return PoolStatusWriter(
            client: cluster, identity: "replica-a", store: store, reconciler: { [self] in reconciled.withLock { $0 } },
            isLeader: isLeader,
            logger: KubeFixtures.logger, now: { clock.now })
    }

    var pool: JSONValue { cluster.object(at: Self.status) ?? .null }

    func condition(_ type: String) -> JSONValue {
        pool["status"]["conditions"].array?.first { $0["type"].string == type } ?? .null
    }

    @Test func theLeaderWritesTheStatus() async {
        let elector = KubeFixtures.elector("pod-a", cluster, clock)
        await elector.attempt()
        cluster.clearCalls()
        let writer = writer(isLeader: { elector.isLeader })
        let spec = pool["spec"]
        await writer.writeOnce()

        #expect(cluster.calls == [.init(.mergePatch, Self.status)])
        let status = pool["status"]
        #expect(status["replicas"] == 2 && status["readyReplicas"] == 2)
        #expect(status["costPerHour"] == 1.58)
        #expect(status["observedGeneration"] == 3)
        #expect(status["selector"] == "gpuburst.io/pool=burst")
        #expect(status["pods"].array?.compactMap { $0["name"].string } == ["rpa-media-burst-0", "rpa-media-burst-1"])
        #expect(status["conditions"].array?.count == 4)
        #expect(condition("Ready")["status"] == "False" && condition("Ready")["reason"] == "Scaling")
        #expect(condition("Ready")["lastTransitionTime"].string == RFC3339Timestamp.seconds(KubeFixtures.t0))
        #expect(pool["spec"] == spec && pool["metadata"]["generation"] == 3, "a status write leaves the spec alone")

        clock.advance(2)
        await elector.attempt()
        cluster.clearCalls()
        await writer.writeOnce()
        #expect(cluster.calls.isEmpty, "an unchanged status is not written again")

        clock.advance(30)
        reconciled.withLock { $0[KubeFixtures.burst] = Self.reconcileStatus(desired: 3, running: 3, at: clock.now) }
        await elector.attempt()
        cluster.clearCalls()
        await writer.writeOnce()
        #expect(cluster.calls == [.init(.mergePatch, Self.status)])
        #expect(pool["status"]["readyReplicas"] == 3)
        #expect(condition("Ready")["status"] == "True")
        #expect(condition("Ready")["lastTransitionTime"].string == RFC3339Timestamp.seconds(clock.now))
        #expect(
            condition("CapacityAvailable")["lastTransitionTime"].string
                == RFC3339Timestamp.seconds(KubeFixtures.t0),
            "an unchanged condition keeps its transition time")
    }

    @Test func aFollowerWritesNothing() async {
        let (leader, follower) = (
            KubeFixtures.elector("pod-a", cluster, clock), KubeFixtures.elector("pod-b", cluster, clock)
        )
        await leader.attempt()
        await follower.attempt()
        cluster.clearCalls()
        await writer(isLeader: { follower.isLeader }).writeOnce()
        #expect(cluster.calls.isEmpty)
        #expect(pool["status"].isNull)
    }

    @Test func aPoolWithoutARunPodPoolIsSkipped() async {
        reconciled.withLock {
            $0[PoolID(namespace: "ml", name: "gone")] = Self.reconcileStatus(
                desired: 1, running: 1, at: KubeFixtures.t0)
        }
        await writer(isLeader: { true }).writeOnce()
        #expect(cluster.calls == [.init(.mergePatch, Self.status)])
    }

    @Test func aFailedPatchIsRetriedNextPass() async {
        let writer = writer(isLeader: { true })
        cluster.failNext(.mergePatch, with: InMemoryCluster.serverError(.mergePatch, Self.status))
        await writer.writeOnce()
        #expect(cluster.calls == [.init(.mergePatch, Self.status)])
        #expect(pool["status"].isNull)

        clock.advance(2)
        await writer.writeOnce()
        #expect(cluster.calls.count == 2, "the status the failed pass meant to write is written on the next")
        #expect(pool["status"]["readyReplicas"] == 2)
    }
}
