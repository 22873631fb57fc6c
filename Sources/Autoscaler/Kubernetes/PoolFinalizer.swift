import Decisions
import Foundation
import KubeClient
import Logging
import Primitives

/// Keeps a finalizer on every RunPodPool the leader manages, so deleting one
/// cannot leak RunPod pods: the API server keeps a deleted pool (with its
/// deletionTimestamp) until the finalizer goes, the reconciler terminates the
/// pool's pods at once, and `release` removes the finalizer when RunPod's
/// list shows none of them left.
public struct PoolFinalizer: Sendable {
    /// Qualified by the CRD's group, as the API server wants finalizer names.
    public static let name = "gpuburst.io/runpod-pods"

    let client: any ClusterClient
    let store: ScalerStateStore
    let isLeader: @Sendable () -> Bool
    /// A dry run never adds the finalizer: it would hold deleted pools whose pods it does not terminate.
    let dryRun: Bool
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        client: any ClusterClient, store: ScalerStateStore, isLeader: @escaping @Sendable () -> Bool, dryRun: Bool,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        self.store = store
        self.isLeader = isLeader
        self.dryRun = dryRun
        self.logger = logger
        self.now = now
    }

    public func run(every interval: Duration) async {
        while !Task.isCancelled {
            await addMissing()
            try? await Task.sleep(for: interval)
        }
    }

    /// Adds the finalizer to every pool that lacks it and is not being deleted (leader only).
    public func addMissing() async {
        guard isLeader(), !dryRun else { return }
        for (id, pool) in store.inputs.clusterPools.sorted(by: { $0.key < $1.key })
        where !pool.deleting && !pool.finalizers.contains(Self.name) {
            let uid = pool.uid
            do {
                let stored = try await client.modify(path(id)) { object in
                    // Another object of that name, or one being deleted (no finalizer may be added then): leave it.
                    guard object["metadata"]["uid"].string == uid, object["metadata"]["deletionTimestamp"].isNull
                    else { return }
                    var finalizers = object["metadata"]["finalizers"].array ?? []
                    guard !finalizers.contains(.string(Self.name)) else { return }
                    finalizers.append(.string(Self.name))
                    object["metadata"]["finalizers"] = .array(finalizers)
                }
                remember(stored, for: id)
            } catch {
                logger.warning("cannot add the RunPodPool finalizer", metadata: ["pool": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Removes the finalizer from a pool being deleted whose pods are all gone
    /// (the reconciler's `poolDrained`); the API server then deletes the object.
    public func release(_ id: PoolID) async {
        guard isLeader(), let pool = store.inputs.clusterPools[id], pool.deleting,
            pool.finalizers.contains(Self.name)
        else { return }
        let uid = pool.uid
        do {
            let stored = try await client.modify(path(id)) { object in
                guard object["metadata"]["uid"].string == uid, !object["metadata"]["deletionTimestamp"].isNull else {
                    return
                }
                let finalizers = object["metadata"]["finalizers"].array ?? []
                object["metadata"]["finalizers"] = .array(finalizers.filter { $0 != .string(Self.name) })
            }
            remember(stored, for: id)
            logger.info("deleted RunPodPool has no RunPod pods left; finalizer removed", metadata: ["pool": "\(id)"])
        } catch  where error.kind == .notFound {
            store.update(now: now()) { $0.clusterPools[id] = nil }
        } catch {
            logger.warning(
                "cannot remove the RunPodPool finalizer", metadata: ["pool": "\(id)", "error": "\(error)"])
        }
    }

    private func path(_ id: PoolID) -> ResourcePath {
        ResourcePath.runPodPools(namespace: id.namespace).named(id.name)
    }

    /// Publishes the finalizers as stored, so the reconciler need not wait for the next read of the cluster.
    private func remember(_ stored: JSONValue, for id: PoolID) {
        let finalizers = (stored["metadata"]["finalizers"].array ?? []).compactMap(\.string)
        let deleting = !stored["metadata"]["deletionTimestamp"].isNull
        let uid = stored["metadata"]["uid"].string
        store.update(now: now()) { inputs in
            guard inputs.clusterPools[id]?.uid == uid else { return }
            inputs.clusterPools[id]?.finalizers = finalizers
            inputs.clusterPools[id]?.deleting = deleting
        }
    }
}
