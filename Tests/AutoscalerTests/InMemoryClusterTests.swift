import Autoscaler
import Foundation
import KubeClient
import Primitives
import Synchronization
import TestSupport
import Testing

/// The fake answers as the API server (and the real client's errors) would, so tests on it mean something.
@Suite struct InMemoryClusterTests {
    static let pools = ResourcePath.runPodPools(namespace: "media")
    static let burst = pools.named("burst")
    let cluster = InMemoryCluster(now: { KubeFixtures.t0 })

    @Test func writesBumpTheResourceVersionAndStaleOnesConflict() async throws {
        let created = try await cluster.create(Self.pools, KubeFixtures.runPodPool("media", "burst"))
        #expect(created["metadata"]["resourceVersion"] == "1" && created["metadata"]["generation"] == 1)
        var changed = created
        changed["spec"]["replicas"] = 4
        let updated = try await cluster.update(Self.burst, changed)
        #expect(updated["metadata"]["resourceVersion"] == "2")
        #expect(updated["metadata"]["generation"] == 2, "a spec change moves the generation")

        let error = await #expect(throws: KubeError.self) { try await cluster.update(Self.burst, changed) }
        #expect(error?.kind == .conflict && error?.status == 409 && error?.reason == "Conflict")
        #expect(error?.message.hasPrefix("PUT \(Self.burst.path): Operation cannot be fulfilled") == true)
        let again = await #expect(throws: KubeError.self) {
            try await cluster.create(Self.pools, KubeFixtures.runPodPool("media", "burst"))
        }
        #expect(again?.kind == .alreadyExists)
        let missing = await #expect(throws: KubeError.self) { try await cluster.get(Self.pools.named("x")) }
        #expect(missing?.kind == .notFound && missing?.status == 404)
    }

    @Test func statusWritesOnlyTouchStatus() async throws {
        cluster.put(KubeFixtures.runPodPool("media", "burst"), in: Self.pools)
        let patched = try await cluster.mergePatch(
            Self.burst.subresource("status"), ["status": ["replicas": 2], "spec": ["replicas": 99]])
        #expect(patched["status"]["replicas"] == 2 && patched["spec"]["replicas"] == 3)
        let cleared = try await cluster.mergePatch(Self.burst.subresource("status"), ["status": ["replicas": nil]])
        #expect(cleared["status"].object?.isEmpty == true, "a null member is removed")
        var main = cleared
        main["status"]["replicas"] = 7
        let written = try await cluster.update(Self.burst, main)
        #expect(written["status"]["replicas"].isNull, "the main resource never writes status")
    }

    @Test func listsFilterBySelectors() async throws {
        for (name, tier, phase) in [("a", "gpu", "Running"), ("b", "cpu", "Running"), ("c", "gpu", "Failed")] {
            cluster.put(
                [
                    "metadata": ["name": .string(name), "labels": ["tier": .string(tier)]],
                    "status": ["phase": .string(phase)],
                ],
                in: .pods(namespace: name == "b" ? "other" : "media"))
        }
        func names(_ list: KubeList) -> [String] { list.items.compactMap { $0["metadata"]["name"].string } }
        #expect(names(try await cluster.list(.pods(namespace: nil))) == ["a", "c", "b"])
        #expect(names(try await cluster.list(.pods(namespace: "media"))) == ["a", "c"])
        #expect(names(try await cluster.list(.pods(namespace: nil), labelSelector: "tier in (gpu)")) == ["a", "c"])
        #expect(
            names(try await cluster.list(.pods(namespace: nil), fieldSelector: "status.phase!=Failed")) == ["a", "b"])
    }

    @Test func injectedFailuresAreOneShotAndRecorded() async throws {
        cluster.put(KubeFixtures.runPodPool("media", "burst"), in: Self.pools)
        cluster.failNext(.get, with: InMemoryCluster.serverError(.get, Self.burst))
        await #expect(throws: KubeError.self) { try await cluster.get(Self.burst) }
        #expect(try await cluster.get(Self.burst)["metadata"]["name"] == "burst")
        #expect(cluster.calls == [.init(.get, Self.burst), .init(.get, Self.burst)])
    }

    @Test func modifyOverTheFakeRetriesAConflict() async throws {
        cluster.put(KubeFixtures.runPodPool("media", "burst"), in: Self.pools)
        let cluster = self.cluster
        let runs = Mutex(0)
        cluster.beforeNext(.update) { cluster.put(cluster.object(at: Self.burst)!, in: Self.pools) }
        let stored = try await (cluster as any ClusterClient).modify(Self.burst) { pool in
            runs.withLock { $0 += 1 }
            pool["spec"]["replicas"] = 5
        }
        #expect(runs.withLock { $0 } == 2)
        #expect(stored["spec"]["replicas"] == 5)
        #expect(cluster.verbs == [.get, .update, .get, .update])
    }

    @Test func finalizersHoldADeletedObjectUntilTheLastOneGoes() async throws {
        var pool = KubeFixtures.runPodPool("media", "burst")
        pool["metadata"]["finalizers"] = ["example.com/a", "example.com/b"]
        cluster.put(pool, in: Self.pools)
        let held = try #require(cluster.delete(at: Self.burst))
        #expect(held["metadata"]["deletionTimestamp"] == .string(RFC3339Timestamp.seconds(KubeFixtures.t0)))
        #expect(held["metadata"]["deletionGracePeriodSeconds"] == 0)
        #expect(cluster.delete(at: Self.burst)?["metadata"]["resourceVersion"] == held["metadata"]["resourceVersion"])

        // No finalizer may be added while it is being deleted; an update cannot clear the timestamp either.
        var grow = held
        grow["metadata"]["finalizers"] = ["example.com/a", "example.com/b", "example.com/c"]
        let refused = await #expect(throws: KubeError.self) { try await cluster.update(Self.burst, grow) }
        #expect(refused?.status == 422 && refused?.kind == .invalid)
        #expect(refused?.message.contains("no new finalizers can be added if the object is being deleted") == true)
        var clear = held
        clear["metadata"]["deletionTimestamp"] = nil
        clear["metadata"]["finalizers"] = ["example.com/a"]
        let one = try await cluster.update(Self.burst, clear)
        #expect(!one["metadata"]["deletionTimestamp"].isNull && one["metadata"]["finalizers"] == ["example.com/a"])

        // The last one removed (a merge patch here): the object is gone.
        let last = try await cluster.mergePatch(Self.burst, ["metadata": ["finalizers": []]])
        #expect(last["metadata"]["name"] == "burst")
        #expect(cluster.object(at: Self.burst) == nil)
        let gone = await #expect(throws: KubeError.self) { try await cluster.get(Self.burst) }
        #expect(gone?.kind == .notFound)
    }

    @Test func anObjectWithoutFinalizersIsDeletedAtOnce() {
        cluster.put(KubeFixtures.runPodPool("media", "burst"), in: Self.pools)
        #expect(cluster.delete(at: Self.burst) == nil)
        #expect(cluster.object(at: Self.burst) == nil)
        #expect(cluster.delete(at: Self.burst) == nil, "deleting nothing is nothing")
    }
}
