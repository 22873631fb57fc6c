import Decisions
import Foundation
import KubeClient
import Logging

/// Reads the RunPodPool objects (the pools and their `spec.replicas`) and,
/// with `local.source: kubernetes`, the local A100 occupancy, every
/// `pollSeconds`, and publishes them to the store. A failed read keeps the
/// last good state and is reported.
public struct KubernetesObserver: Sendable {
    public let client: any ClusterClient
    public let store: ScalerStateStore
    public let pollSeconds: Double
    public let poolDefaults: PoolDefaults
    /// nil: local capacity is not read from the cluster.
    public let localSelectors: (nodes: String, workers: LabelSelector)?
    public let metrics: AutoscalerMetrics?
    public let logger: Logger
    private let now: @Sendable () -> Date

    public init(
        client: any ClusterClient, store: ScalerStateStore, pollSeconds: Double, poolDefaults: PoolDefaults,
        localSelectors: (nodes: String, workers: LabelSelector)?, metrics: AutoscalerMetrics?, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        self.store = store
        self.pollSeconds = pollSeconds
        self.poolDefaults = poolDefaults
        self.localSelectors = localSelectors
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    public func run() async {
        var reported: Set<String> = []
        while !Task.isCancelled {
            await readOnce(reported: &reported)
            try? await Task.sleep(for: .milliseconds(Int64(pollSeconds * 1000)))
        }
    }

    /// One read of the cluster; `reported` keeps each bad object logged once.
    public func readOnce(reported: inout Set<String>) async {
        do {
            let list = try await client.list(.runPodPools(namespace: nil), labelSelector: nil, fieldSelector: nil)
            let (pools, rejected) = RunPodPoolDocument.pools(in: list.items, defaults: poolDefaults)
            for error in rejected where reported.insert("\(error)").inserted {
                logger.error("ignoring a RunPodPool", metadata: ["error": "\(error)"])
            }
            var local: LocalCapacity?
            if let selectors = localSelectors {
                let nodes = try await client.list(.nodes, labelSelector: selectors.nodes, fieldSelector: nil)
                let pods = try await client.list(
                    .pods(namespace: nil), labelSelector: nil,
                    fieldSelector: "status.phase!=Succeeded,status.phase!=Failed")
                local = LocalOccupancy.compute(
                    nodes: nodes.items.map(ClusterObjects.node), pods: pods.items.map(ClusterObjects.pod),
                    workers: selectors.workers)
            }
            let now = self.now()
            store.update(now: now) { inputs in
                inputs.pools = pools.map(\.spec)
                inputs.clusterPools = Dictionary(uniqueKeysWithValues: pools.map { ($0.spec.id, $0) })
                if let local { inputs.local = local }
                inputs.clusterError = nil
                inputs.clusterReadAt = now
            }
            metrics?.recordSourceSuccess("kubernetes", at: now.timeIntervalSince1970)
        } catch {
            let message = "\(error)"
            if store.inputs.clusterError != message {
                logger.warning("cannot read the cluster; keeping the last state", metadata: ["error": "\(message)"])
            }
            store.update(now: now()) { $0.clusterError = message }
        }
    }
}
