import Decisions
import Foundation
import KubeClient
import Primitives
import TestSupport
import Testing

@testable import Autoscaler

/// The cluster observer against the in-memory cluster: one `readOnce` pass at a time.
@Suite struct KubernetesObserverTests {
    static let podsSelector = "status.phase!=Succeeded,status.phase!=Failed"
    let clock = ManualClock(KubeFixtures.t0)
    let cluster: InMemoryCluster
    let store = KubeFixtures.store()

    init() {
        let clock = self.clock
        cluster = InMemoryCluster(now: { clock.now })
        let pools = ResourcePath.runPodPools(namespace: "media")
        cluster.put(KubeFixtures.runPodPool("media", "burst", replicas: 3, generation: 2), in: pools)
        cluster.put(KubeFixtures.runPodPool("media", "broken", clouds: ["SPOT"]), in: pools)
        cluster.put(KubeFixtures.runPodPool("ml", "train", replicas: 9), in: .runPodPools(namespace: "ml"))
        cluster.put(Self.node("a100-1", gpus: 8), in: .nodes)
        cluster.put(Self.node("a100-2", gpus: 8, ready: false), in: .nodes)
        cluster.put(Self.node("cpu-1", gpus: 4, labels: [:]), in: .nodes)
        cluster.put(
            Self.pod("ml", "trainer", on: "a100-1", gpus: 2, labels: ["app": "trainer"]), in: .pods(namespace: "ml"))
        cluster.put(
            Self.pod("media", "worker", on: "a100-1", gpus: 1, labels: ["app": "gpu-worker"]),
            in: .pods(namespace: "media"))
        cluster.put(Self.pod("ml", "done", on: "a100-1", gpus: 4, phase: "Succeeded"), in: .pods(namespace: "ml"))
        cluster.put(Self.pod("ml", "elsewhere", on: "cpu-1", gpus: 4), in: .pods(namespace: "ml"))
    }

    static func node(_ name: String, gpus: Int, ready: Bool = true, labels: [String: String] = ["gpu": "a100"])
        -> JSONValue
    {
        [
            "kind": "Node",
            "metadata": ["name": .string(name), "labels": .object(labels.mapValues(JSONValue.string))],
            "status": [
                "allocatable": ["nvidia.com/gpu": .string(String(gpus))],
                "conditions": [["type": "Ready", "status": ready ? "True" : "False"]],
            ],
        ]
    }

    static func pod(
        _ namespace: String, _ name: String, on node: String, gpus: Int, phase: String = "Running",
        labels: [String: String] = [:]
    ) -> JSONValue {
        [
            "kind": "Pod",
            "metadata": [
                "name": .string(name), "namespace": .string(namespace),
                "labels": .object(labels.mapValues(JSONValue.string)),
            ],
            "spec": [
                "nodeName": .string(node),
                "containers": [["resources": ["requests": ["nvidia.com/gpu": .string(String(gpus))]]]],
            ],
            "status": ["phase": .string(phase)],
        ]
    }

    func observer(local: Bool = true) -> KubernetesObserver {
        let clock = self.clock
        return KubernetesObserver(
            client: cluster, store: store, pollSeconds: 5, poolDefaults: PoolDefaults(),
            localSelectors: local ? (nodes: "gpu=a100", workers: try! LabelSelector("app=gpu-worker")) : nil,
            metrics: nil, logger: KubeFixtures.logger, now: { clock.now })
    }

    @Test func readsPoolsAndLocalOccupancyIntoTheStore() async {
        var reported: Set<String> = []
        await observer().readOnce(reported: &reported)

        let inputs = store.inputs
        #expect(
            Set(inputs.pools.map(\.id)) == [KubeFixtures.burst, PoolID(namespace: "ml", name: "train")],
            "the valid RunPodPools, of every namespace, become pools")
        let burst = inputs.clusterPools[KubeFixtures.burst]
        #expect(burst?.replicas == 3 && burst?.desired == 3 && burst?.generation == 2)
        #expect(
            burst?.reference["metadata"]["uid"]
                == cluster.object(at: .runPodPools(namespace: "media").named("burst"))?["metadata"]["uid"])
        #expect(inputs.clusterPools[PoolID(namespace: "ml", name: "train")]?.desired == 5, "clamped to maxReplicas")
        #expect(reported.count == 1)
        #expect(
            reported.first?.contains("media/broken") == true && reported.first?.contains("spec.template.clouds") == true
        )
        // Ready a100 nodes: a100-1 (8 GPUs); others there: the trainer's 2 (the worker is ours, done is over).
        #expect(inputs.local == LocalCapacity(gpus: 8, usedByOthers: 2))
        #expect(inputs.clusterError == nil)
        #expect(inputs.clusterReadAt == KubeFixtures.t0)
        #expect(
            cluster.calls == [
                .init(.list, .runPodPools(namespace: nil)),
                .init(.list, .nodes, labelSelector: "gpu=a100"),
                .init(.list, .pods(namespace: nil), fieldSelector: Self.podsSelector),
            ])
    }

    @Test func withoutKubernetesLocalSourceOnlyPoolsAreRead() async {
        var reported: Set<String> = []
        await observer(local: false).readOnce(reported: &reported)
        #expect(cluster.calls == [.init(.list, .runPodPools(namespace: nil))])
        #expect(store.inputs.local == LocalCapacity(gpus: 1, usedByOthers: 0), "the static capacity stays")
        #expect(store.inputs.pools.count == 2)
    }

    @Test func aBadObjectIsReportedOnce() async {
        var reported: Set<String> = []
        let observer = observer(local: false)
        await observer.readOnce(reported: &reported)
        await observer.readOnce(reported: &reported)
        #expect(reported.count == 1)
    }

    @Test func listErrorsBecomeTheClusterErrorAndKeepTheLastState() async {
        var reported: Set<String> = []
        let observer = observer()
        await observer.readOnce(reported: &reported)
        cluster.put(KubeFixtures.runPodPool("media", "burst", replicas: 1), in: .runPodPools(namespace: "media"))

        clock.advance(5)
        cluster.failNext(
            .list, at: .nodes,
            with: KubeError(kind: .forbidden, status: 403, reason: "Forbidden", message: "nodes is forbidden"))
        await observer.readOnce(reported: &reported)
        var inputs = store.inputs
        #expect(inputs.clusterError?.contains("nodes is forbidden") == true)
        #expect(inputs.clusterReadAt == KubeFixtures.t0, "the last good read stays")
        #expect(inputs.clusterPools[KubeFixtures.burst]?.replicas == 3, "nothing of a failed pass is published")
        #expect(inputs.local == LocalCapacity(gpus: 8, usedByOthers: 2))

        clock.advance(5)
        cluster.failNext(.list, with: InMemoryCluster.serverError(.list, .runPodPools(namespace: nil)))
        await observer.readOnce(reported: &reported)
        #expect(store.inputs.clusterError?.contains("etcdserver: request timed out") == true)

        clock.advance(5)
        await observer.readOnce(reported: &reported)
        inputs = store.inputs
        #expect(inputs.clusterError == nil, "a good pass clears the error")
        #expect(inputs.clusterReadAt == KubeFixtures.t0 + 15)
        #expect(inputs.clusterPools[KubeFixtures.burst]?.replicas == 1)
    }
}
