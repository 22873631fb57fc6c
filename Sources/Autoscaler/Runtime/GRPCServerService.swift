import Foundation
import LibGRPCServer
import Logging
import ServiceLifecycle

/// The gRPC server as a `Service`: binds, reports SERVING until the group
/// shuts down, then NOT_SERVING, lets calls drain for the grace period and
/// stops. Last in the group, so it is the first part to stop.
struct GRPCServerService: Service {
    let server: GRPCServer
    let health: HealthService
    let address: String
    let tls: (enabled: Bool, mutual: Bool)
    let grace: Double
    let logger: Logger
    /// Runs once the server is bound and SERVING.
    var onServing: @Sendable () -> Void = {}

    func run() async throws {
        let port = try server.start()
        health.setAll(.serving)
        logger.info(
            "grpc server listening",
            metadata: [
                "address": "\(ListenAddress.host(of: address)):\(port)", "tls": "\(tls.enabled)",
                "mtls": "\(tls.mutual)",
            ])
        onServing()
        // Returns at once when the stop came while starting.
        try? await gracefulShutdown()
        logger.info("shutting down", metadata: ["graceSeconds": "\(grace)"])
        health.setAll(.notServing)
        let (server, period) = (server, Duration.milliseconds(Int64(grace * 1000)))
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // The C core's shutdown blocks: keep it off the cooperative pool.
            Thread.detachNewThread {
                server.shutdown(gracePeriod: period)
                done.resume()
            }
        }
    }
}
