import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import Synchronization

/// Writes each RunPodPool's status from the reconciler's last pass, on the
/// leader only, and only when it changed.
public final class PoolStatusWriter: Sendable {
    private struct Written {
        var status: JSONValue
        var conditions: [PoolCondition]
    }

    private let client: any ClusterClient
    private let store: ScalerStateStore
    private let reconciler: @Sendable () -> [PoolID: PoolReconcileStatus]
    private let isLeader: @Sendable () -> Bool
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let written = Mutex([PoolID: Written]())

    public init(
        client: any ClusterClient, store: ScalerStateStore,
        reconciler: @escaping @Sendable () -> [PoolID: PoolReconcileStatus],
        isLeader: @escaping @Sendable () -> Bool, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        self.store = store
        self.reconciler = reconciler
        self.isLeader = isLeader
        self.logger = logger
        self.now = now
    }

    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            await writeOnce()
            try? await Task.sleep(for: interval)
        }
    }

    public func writeOnce() async {
        guard isLeader() else { return }
        let pools = store.inputs.clusterPools
        let now = self.now()
        for (id, status) in reconciler() {
            guard let pool = pools[id] else { continue }
            let previous = written.withLock { $0[id] }
            let conditions = PoolStatusDocument.conditions(for: status, previous: previous?.conditions ?? [], now: now)
            let document = PoolStatusDocument.status(for: status, pool: pool, conditions: conditions)
            if previous?.status == document { continue }
            var path = ResourcePath.runPodPools(namespace: id.namespace)
            path.name = id.name
            path.subresource = "status"
            do {
                _ = try await client.mergePatch(path, ["status": document])
                written.withLock { $0[id] = Written(status: document, conditions: conditions) }
            } catch {
                logger.warning("cannot write RunPodPool status", metadata: ["pool": "\(id)", "error": "\(error)"])
            }
        }
    }
}
