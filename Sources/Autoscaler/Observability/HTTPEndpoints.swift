import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The HTTP listener: `/metrics` (Prometheus text format), `/healthz` (the
/// process answers) and `/readyz` (200 only when every reason list is empty).
public final class HTTPEndpoints: Service, Sendable {
    public let address: String
    public let metrics: AutoscalerMetrics
    /// Why the process is not ready (stale demand, failing RunPod lists, …); empty when ready.
    public let readinessProblems: @Sendable () -> [String]
    /// Refreshes gauges that are sampled rather than pushed, before a scrape.
    public let beforeScrape: @Sendable () -> Void
    public let logger: Logger
    /// Runs once the listener is bound.
    public let onListening: @Sendable () -> Void

    public init(
        address: String, metrics: AutoscalerMetrics, readinessProblems: @escaping @Sendable () -> [String],
        beforeScrape: @escaping @Sendable () -> Void = {}, logger: Logger,
        onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.address = address
        self.metrics = metrics
        self.readinessProblems = readinessProblems
        self.beforeScrape = beforeScrape
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the service group shuts down. A port that cannot be
    /// bound ends the run with a `RuntimeFailure` naming the address.
    public func run() async throws {
        let (metrics, readinessProblems, beforeScrape) = (self.metrics, self.readinessProblems, self.beforeScrape)
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            beforeScrape()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
        router.get("/healthz") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ -> Response in
            let problems = readinessProblems()
            let text = problems.isEmpty ? "ready\n" : problems.map { "not ready: \($0)\n" }.joined()
            return Response(
                status: problems.isEmpty ? .ok : .serviceUnavailable,
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        let (host, port) = try Self.split(address)
        let (logger, onListening) = (self.logger, self.onListening)
        // One event-loop thread of its own: the endpoints answer scrapes and probes, not load. NIO's
        // shared group starts a thread per core, each with a stack and a 192 KiB task buffer.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "runpod-autoscaler"),
            onServerRunning: { channel in
                logger.info("http listening", metadata: ["address": "\(host):\(channel.localAddress?.port ?? port)"])
                onListening()
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger
        )
        var failure: (any Error)?
        do { try await app.run() } catch { failure = error }
        try? await group.shutdownGracefully()
        if let failure { throw RuntimeFailure(message: "cannot serve HTTP on \(address): \(failure)") }
    }

    static func split(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ConfigError(
                origin: "http.listen", key: "http.listen", reason: "expected host:port, got \"\(address)\"")
        }
        return (String(address[..<colon]), port)
    }
}
