import CurlHTTP
import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import RunPodAPI
import RunPodEmulator
import Synchronization
import TestSupport
import Testing

@testable import Autoscaler

/// The RunPodPool finalizer against the in-memory cluster, and the whole deletion with the real reconciler and the
/// in-process RunPod emulator on one manual clock.
@Suite(.serialized) final class PoolFinalizerTests: Sendable {
    static let burst = ResourcePath.runPodPools(namespace: "media").named("burst")
    let clock = ManualClock(KubeFixtures.t0)
    let cluster: InMemoryCluster
    let store = KubeFixtures.store()
    /// The Events the reconciler would record.
    let events = Mutex<[PoolEvent]>([])

    init() {
        let clock = self.clock
        cluster = InMemoryCluster(now: { clock.now })
    }

    func finalizer(isLeader: Bool = true, dryRun: Bool = false) -> PoolFinalizer {
        let clock = self.clock
        return PoolFinalizer(
            client: cluster, store: store, isLeader: { isLeader }, dryRun: dryRun, logger: KubeFixtures.logger,
            now: { clock.now })
    }

    var finalizers: JSONValue { cluster.object(at: Self.burst)?["metadata"]["finalizers"] ?? .null }

    @Test func theLeaderAddsItOnceKeepingOthersFinalizers() async {
        var pool = KubeFixtures.runPodPool("media", "burst")
        pool["metadata"]["finalizers"] = ["example.com/keep"]
        cluster.put(pool, in: .runPodPools(namespace: "media"))
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        #expect(store.inputs.clusterPools[KubeFixtures.burst]?.reconcileDesired(dryRun: false) == nil)
        cluster.clearCalls()

        await finalizer(isLeader: false).addMissing()
        await finalizer(dryRun: true).addMissing()
        #expect(cluster.calls.isEmpty, "followers and dry runs never add it")

        await finalizer().addMissing()
        #expect(cluster.verbs == [.get, .update])
        #expect(finalizers == ["example.com/keep", .string(PoolFinalizer.name)])
        #expect(store.inputs.clusterPools[KubeFixtures.burst]?.reconcileDesired(dryRun: false) == 3)
        cluster.clearCalls()
        await finalizer().addMissing()
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        await finalizer().addMissing()
        #expect(cluster.verbs == [.list], "nothing to add any more")
    }

    @Test func aRaceWithAnotherWriterIsRetried() async {
        cluster.put(KubeFixtures.runPodPool("media", "burst"), in: .runPodPools(namespace: "media"))
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        let cluster = self.cluster
        cluster.beforeNext(.update) {
            cluster.put(cluster.object(at: Self.burst)!, in: .runPodPools(namespace: "media"))
        }
        cluster.clearCalls()
        await finalizer().addMissing()
        #expect(cluster.verbs == [.get, .update, .get, .update])
        #expect(finalizers == [.string(PoolFinalizer.name)])
    }

    @Test func releaseOnlyTouchesAPoolBeingDeleted() async {
        var pool = KubeFixtures.runPodPool("media", "burst")
        pool["metadata"]["finalizers"] = [.string(PoolFinalizer.name)]
        cluster.put(pool, in: .runPodPools(namespace: "media"))
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        cluster.clearCalls()
        await finalizer().release(KubeFixtures.burst)
        #expect(cluster.calls.isEmpty && finalizers == [.string(PoolFinalizer.name)])

        cluster.delete(at: Self.burst)
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        #expect(store.inputs.clusterPools[KubeFixtures.burst]?.deleting == true)
        await finalizer(isLeader: false).release(KubeFixtures.burst)
        #expect(cluster.object(at: Self.burst) != nil, "a follower leaves it")
        // Deleted and re-created under the same name: the new object is not the one that was drained.
        var recreated = KubeFixtures.runPodPool("media", "burst")
        recreated["metadata"]["finalizers"] = [.string(PoolFinalizer.name)]
        recreated["metadata"]["deletionTimestamp"] = .string(RFC3339Timestamp.seconds(clock.now))
        recreated["metadata"]["uid"] = "another-uid"
        cluster.put(recreated, in: .runPodPools(namespace: "media"))
        await finalizer().release(KubeFixtures.burst)
        #expect(cluster.object(at: Self.burst)?["metadata"]["uid"] == "another-uid")
    }

    /// `kubectl delete runpodpool burst` with pods running: they go at once, then the finalizer, then the object.
    @Test func deletingAPoolTerminatesItsPodsThenLetsTheObjectGo() async throws {
        let clock = self.clock
        var configuration = EmulatorConfiguration()
        configuration.listen = "127.0.0.1:0"
        let emulator = RunPodEmulator(configuration: configuration, logger: KubeFixtures.logger, now: { clock.now })
        let port = try await emulator.start()
        let http = HTTPClient(configuration: .init(timeout: .seconds(5)))
        defer { http.shutdown() }
        let client = RunPodClient(baseURL: "http://127.0.0.1:\(port)", apiKey: "test-key", http: http)
        let finalizer = self.finalizer()
        var settings = PodReconciler.Settings(naming: PodNaming(prefix: "rpa"))
        settings.deleting = { [store] in Set(store.inputs.clusterPools.filter(\.value.deleting).keys) }
        settings.onPoolDrained = { await finalizer.release($0) }
        settings.onEvent = { [self] event in events.withLock { $0.append(event) } }
        let reconciler = PodReconciler(
            provider: client, store: store, metrics: nil, settings: settings, logger: KubeFixtures.logger,
            now: { clock.now },
            desired: { [store] spec, _ in store.inputs.clusterPools[spec.id]?.reconcileDesired(dryRun: false) })
        func ours() -> [EmulatedPod] { emulator.pods.filter { $0.status != .terminated } }

        cluster.put(KubeFixtures.runPodPool("media", "burst", replicas: 2), in: .runPodPools(namespace: "media"))
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        await reconciler.pass()
        #expect(ours().isEmpty, "no pod before the finalizer is on")
        await finalizer.addMissing()
        clock.advance(5)
        await reconciler.pass()
        #expect(ours().count == 2)

        #expect(cluster.delete(at: Self.burst) != nil, "held by the finalizer")
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        clock.advance(5)
        await reconciler.pass()
        #expect(ours().isEmpty, "terminated at once, no idle wait")
        let recorded = events.withLock { $0 }
        #expect(recorded.map(\.reason) == ["PodCreated", "PodCreated", "PodTerminated", "PodTerminated"])
        #expect(recorded.suffix(2).allSatisfy { $0.message.hasSuffix(": pool_deleted") })
        #expect(cluster.object(at: Self.burst) != nil, "that pass's list still showed the pods")

        clock.advance(5)
        await reconciler.pass()
        #expect(cluster.object(at: Self.burst) == nil, "nothing listed: finalizer removed, object gone")
        await emulator.stop()
    }
}
