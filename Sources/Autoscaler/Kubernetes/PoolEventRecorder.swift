import KubeClient
import Logging

/// Records the reconciler's scale actions as Events on the pools' RunPodPool
/// objects, best effort and in the background.
public struct PoolEventRecorder: Sendable {
    let client: KubeClient
    let store: ScalerStateStore
    let logger: Logger

    public func record(_ event: PoolEvent) {
        guard let reference = store.inputs.clusterPools[event.pool]?.reference else { return }
        let (client, logger) = (self.client, self.logger)
        Task {
            do {
                try await client.recordEvent(
                    about: reference, type: event.type, reason: event.reason, message: event.message)
            } catch {
                logger.debug("cannot record an event", metadata: ["pool": "\(event.pool)", "error": "\(error)"])
            }
        }
    }
}
