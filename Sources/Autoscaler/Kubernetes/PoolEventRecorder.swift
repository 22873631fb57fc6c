import KubeClient
import Logging

/// Records the reconciler's scale actions as Events on the pools' RunPodPool
/// objects, best effort and in the background.
public struct PoolEventRecorder: Sendable {
    let client: any ClusterClient
    let store: ScalerStateStore
    let logger: Logger

    /// Records `event` on its pool's RunPodPool in a background task; a failure is logged, never thrown.
    /// - Returns: The task recording it (tests await it), or nil when the pool has no RunPodPool.
    @discardableResult
    public func record(_ event: PoolEvent) -> Task<Void, Never>? {
        guard let reference = store.inputs.clusterPools[event.pool]?.reference else { return nil }
        let (client, logger) = (self.client, self.logger)
        return Task {
            do {
                try await client.recordEvent(
                    about: reference, type: event.type, reason: event.reason, message: event.message, action: nil)
            } catch {
                logger.debug("cannot record an event", metadata: ["pool": "\(event.pool)", "error": "\(error)"])
            }
        }
    }
}
