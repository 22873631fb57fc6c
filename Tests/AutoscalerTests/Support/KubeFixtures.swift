import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import TestSupport

@testable import Autoscaler

/// Objects, clocks and stores shared by the tests that run the Kubernetes side against ``InMemoryCluster``.
enum KubeFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let leaseName = "runpod-autoscaler"
    static let leases = ResourcePath.leases(namespace: "platform")
    static let lease = leases.named(leaseName)
    static let burst = PoolID(namespace: "media", name: "burst")

    /// A RunPodPool object; `clouds: ["SPOT"]` makes it unusable.
    static func runPodPool(
        _ namespace: String, _ name: String, replicas: Int = 3, generation: Int = 1, clouds: [String] = ["SECURE"]
    ) -> JSONValue {
        [
            "apiVersion": "gpuburst.io/v1alpha1", "kind": "RunPodPool",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "generation": JSONValue(generation)],
            "spec": [
                "replicas": JSONValue(replicas), "maxReplicas": 5,
                "template": [
                    "image": "worker:1", "gpuTypeIds": ["NVIDIA L40S"], "clouds": .array(clouds.map(JSONValue.string)),
                ],
            ],
        ]
    }

    /// A Lease held by `holder` as another replica wrote it.
    static func leaseObject(holder: String, renewedAt: Date, transitions: Int = 0) -> JSONValue {
        LeaseDocument.object(
            LeaseRecord(
                holder: holder, leaseDurationSeconds: 15, acquireTime: renewedAt, renewTime: renewedAt,
                transitions: transitions, resourceVersion: nil),
            name: leaseName, namespace: "platform")
    }

    /// A store with no pools yet and a static local capacity of 1 GPU.
    static func store(now: Date = t0) -> ScalerStateStore {
        ScalerStateStore(
            inputs: ScalerInputs(
                pools: [], demand: SourceStatus(name: "file", location: "demand.json"),
                local: LocalCapacity(gpus: 1, usedByOthers: 0), staleAfterSeconds: 60),
            now: now, logger: logger)
    }

    /// Reads the cluster's RunPodPools into `store` with the real observer, as the runtime does.
    static func observe(_ cluster: InMemoryCluster, into store: ScalerStateStore, clock: ManualClock) async {
        let observer = KubernetesObserver(
            client: cluster, store: store, pollSeconds: 1, poolDefaults: PoolDefaults(), localSelectors: nil,
            metrics: nil, logger: logger, now: { clock.now })
        var reported: Set<String> = []
        await observer.readOnce(reported: &reported)
    }

    /// A leader elector for `identity` on ``lease`` with client-go's timings (15 s lease, 10 s renew deadline).
    static func elector(_ identity: String, _ cluster: InMemoryCluster, _ clock: ManualClock) -> LeaderElector {
        LeaderElector(
            client: cluster, name: leaseName, namespace: "platform", identity: identity,
            settings: LeaderElectionSettings(), metrics: nil, logger: logger, now: { clock.now })
    }
}
