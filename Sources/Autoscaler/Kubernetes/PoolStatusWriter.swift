import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import Synchronization

/// Writes each RunPodPool's status from the reconciler's last pass, and the
/// leader's decision for the other replicas to serve (`status.decision`), on
/// the leader only: when it changed, and the decision again before the
/// followers would count it stale.
public final class PoolStatusWriter: Sendable {
    private struct Written {
        var status: JSONValue
        var conditions: [PoolCondition]
        /// The decision block without its `publishedAt`, and when it was written.
        var decision: JSONValue
        var at: Date
    }

    private let client: any ClusterClient
    /// This replica's Lease identity, named in the decisions it publishes.
    private let identity: String
    private let store: ScalerStateStore
    private let reconciler: @Sendable () -> [PoolID: PoolReconcileStatus]
    private let isLeader: @Sendable () -> Bool
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let written = Mutex([PoolID: Written]())

    public init(
        client: any ClusterClient, identity: String, store: ScalerStateStore,
        reconciler: @escaping @Sendable () -> [PoolID: PoolReconcileStatus],
        isLeader: @escaping @Sendable () -> Bool, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        self.identity = identity
        self.store = store
        self.reconciler = reconciler
        self.isLeader = isLeader
        self.logger = logger
        self.now = now
    }

    /// Writes every `interval`, and as soon as the snapshot changes, so a new
    /// decision reaches the followers within their next read of the cluster.
    public func run(every interval: Duration) async {
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let subscription = store.subscribe { _ in wake.yield() }
        defer { store.unsubscribe(subscription) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    wake.yield()
                    try? await Task.sleep(for: interval)
                }
            }
            group.addTask { [self] in
                for await _ in wakes {
                    if Task.isCancelled { break }
                    await writeOnce()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    public func writeOnce() async {
        guard isLeader() else {
            // Another leader may write in between: after a return to leadership, write everything afresh.
            written.withLock { $0.removeAll() }
            return
        }
        let inputs = store.inputs
        let pools = inputs.clusterPools
        let snapshot = store.snapshot
        // Followers count a decision stale after staleAfterSeconds: refresh well before.
        let refresh = max(1, inputs.staleAfterSeconds / 3)
        let now = self.now()
        for (id, status) in reconciler() {
            guard let pool = pools[id] else { continue }
            let previous = written.withLock { $0[id] }
            let conditions = PoolStatusDocument.conditions(for: status, previous: previous?.conditions ?? [], now: now)
            let base = PoolStatusDocument.status(
                for: status, pool: pool, conditions: conditions, podPrice: inputs.podPrices[id])
            var document = base
            var decision: JSONValue = .null
            if let view = snapshot.pools[id], let made = view.decision, view.servedFrom == nil {
                let published = PublishedDecision(
                    leader: identity, publishedAt: now, decision: made, values: view.values.compacted())
                document["decision"] = PublishedDecisionDocument.json(published)
                // What followers answer with; the timestamp, the wording and the idle clock may wait for the refresh.
                decision = document["decision"]
                decision["publishedAt"] = .null
                decision["reason"] = .null
                decision["memory"]["lastBusyAt"] = .null
            } else {
                document["decision"] = .null  // merge patch: removes a decision this leader no longer stands by
            }
            if let previous, previous.status == base, previous.decision == decision,
                decision == .null || now.timeIntervalSince(previous.at) < refresh
            {
                continue
            }
            var path = ResourcePath.runPodPools(namespace: id.namespace)
            path.name = id.name
            path.subresource = "status"
            do {
                _ = try await client.mergePatch(path, ["status": document])
                written.withLock {
                    $0[id] = Written(status: base, conditions: conditions, decision: decision, at: now)
                }
            } catch {
                logger.warning("cannot write RunPodPool status", metadata: ["pool": "\(id)", "error": "\(error)"])
            }
        }
    }
}
