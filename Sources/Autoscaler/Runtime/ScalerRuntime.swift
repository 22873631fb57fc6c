import Dispatch
import Foundation
import LibGRPCServer
import Logging
import ScalingPolicy
import Synchronization

/// The `serve` job: the state store and its observers, the gRPC server with
/// the scaler, health and reflection services, and the graceful shutdown.
public final class ScalerRuntime: Sendable {
    private let config: AutoscalerConfig
    private let logger: Logger
    private let store: ScalerStateStore
    private let health: HealthService
    private let server: GRPCServer
    private let demandSource: any DemandSource
    private let stopRequested = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let stopFlag = Atomic<Bool>(false)

    public init(config: AutoscalerConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        demandSource = try Self.makeDemandSource(config)
        let local = LocalCapacity(gpus: config.local.staticGPUs, usedByOthers: config.local.staticUsedByOthers)
        let inputs = ScalerInputs(
            pools: config.pools,
            demand: SourceStatus(name: demandSource.name, location: demandSource.location),
            local: local,
            staleAfterSeconds: config.demand.staleAfterSeconds
        )
        store = ScalerStateStore(inputs: inputs, now: Date(), logger: logger)

        let scaler = ExternalScalerService(store: store)
        let reflectedServices = [
            ExternalScalerService.serviceName, HealthService.serviceName,
            ReflectionService.v1ServiceName, ReflectionService.v1alphaServiceName,
        ]
        health = HealthService(services: [ExternalScalerService.serviceName])
        let reflection = try ReflectionService(services: reflectedServices)
        var handlers = scaler.handlers
        handlers.merge(health.handlers) { first, _ in first }
        handlers.merge(reflection.handlers) { first, _ in first }

        server = GRPCServer(
            configuration: ServerConfiguration(
                address: config.grpc.listen,
                maxMessageBytes: config.grpc.maxMessageBytes,
                tls: try Self.loadTLS(config)
            ),
            handlers: handlers
        )
    }

    /// The state store, for the other jobs of the process and tests.
    public var stateStore: ScalerStateStore { store }

    /// Serves until `requestStop()`, then shuts down gracefully.
    public func run() async throws {
        let port = try server.start()
        let host = config.grpc.listen[..<(config.grpc.listen.lastIndex(of: ":") ?? config.grpc.listen.endIndex)]
        health.setAll(.serving)
        logger.info(
            "grpc server listening",
            metadata: [
                "address": "\(host):\(port)", "tls": "\(config.grpc.tlsEnabled)",
                "mtls": "\(!config.grpc.clientCAFile.isEmpty)",
            ])

        let observer = DemandObserver(
            source: demandSource, store: store, pollSeconds: config.demand.pollSeconds, logger: logger)
        let store = self.store
        let background = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await observer.run() }
                group.addTask {
                    // Time alone moves idle holds and staleness.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        store.tick(now: Date())
                    }
                }
            }
        }

        await withCheckedContinuation { continuation in
            let alreadyStopped = stopRequested.withLock { slot -> Bool in
                if stopFlag.load(ordering: .acquiring) { return true }
                slot = continuation
                return false
            }
            if alreadyStopped { continuation.resume() }
        }

        logger.info("shutting down", metadata: ["graceSeconds": "\(config.grpc.shutdownGraceSeconds)"])
        health.setAll(.notServing)
        let grace = Duration.milliseconds(Int64(config.grpc.shutdownGraceSeconds * 1000))
        let server = self.server
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            // The C core's shutdown blocks: keep it off the cooperative pool.
            Thread.detachNewThread {
                server.shutdown(gracePeriod: grace)
                done.resume()
            }
        }
        background.cancel()
        await background.value
        logger.info("stopped")
    }

    /// Asks `run()` to shut down gracefully (SIGTERM, SIGINT). Safe from any thread.
    public func requestStop() {
        let continuation = stopRequested.withLock { slot -> CheckedContinuation<Void, Never>? in
            stopFlag.store(true, ordering: .releasing)
            defer { slot = nil }
            return slot
        }
        continuation?.resume()
    }

    // MARK: Construction

    static func makeDemandSource(_ config: AutoscalerConfig) throws -> any DemandSource {
        switch config.demand.source {
        case .file:
            return FileDemandSource(path: config.demand.filePath)
        case .prometheus:
            throw ConfigError(
                origin: config.origin, key: "demand.source",
                reason: "prometheus is not available in this version yet; use file")
        }
    }

    static func loadTLS(_ config: AutoscalerConfig) throws -> TLSConfiguration? {
        guard config.grpc.tlsEnabled else { return nil }
        func read(_ path: String, _ key: String) throws -> String {
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigError(origin: config.origin, key: key, reason: "cannot read \(path)")
            }
        }
        let certificate = try read(config.grpc.certFile, "grpc.tls.certFile")
        let key = try read(config.grpc.keyFile, "grpc.tls.keyFile")
        guard certificate.contains("-----BEGIN CERTIFICATE-----") else {
            throw ConfigError(
                origin: config.origin, key: "grpc.tls.certFile",
                reason: "\(config.grpc.certFile) holds no PEM certificate")
        }
        guard key.contains("PRIVATE KEY-----") else {
            throw ConfigError(
                origin: config.origin, key: "grpc.tls.keyFile",
                reason: "\(config.grpc.keyFile) holds no PEM private key")
        }
        var clientCA: String?
        if !config.grpc.clientCAFile.isEmpty {
            let ca = try read(config.grpc.clientCAFile, "grpc.tls.clientCAFile")
            guard ca.contains("-----BEGIN CERTIFICATE-----") else {
                throw ConfigError(
                    origin: config.origin, key: "grpc.tls.clientCAFile",
                    reason: "\(config.grpc.clientCAFile) holds no PEM certificate")
            }
            clientCA = ca
        }
        return TLSConfiguration(certificateChainPEM: certificate, privateKeyPEM: key, clientCAPEM: clientCA)
    }
}
