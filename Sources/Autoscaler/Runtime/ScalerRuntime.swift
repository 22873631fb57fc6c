import CurlHTTP
import Decisions
import Dispatch
import Foundation
import KubeClient
import LibGRPCServer
import Logging
import RunPodAPI
import RunPodEmulator
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
    private let metrics: AutoscalerMetrics
    private let stopRequested = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let stopFlag = Atomic<Bool>(false)
    private let failure = Mutex<String?>(nil)

    private let kubeConfig: KubeConfig?

    /// - Parameter kube: the cluster to use in Kubernetes mode (`config.kubernetes.active`).
    public init(config: AutoscalerConfig, kube: KubeConfig? = nil, logger: Logger) throws {
        self.config = config
        self.kubeConfig = kube
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
        let metrics = AutoscalerMetrics(grpcMethods: Array(handlers.keys))
        self.metrics = metrics

        server = GRPCServer(
            configuration: ServerConfiguration(
                address: config.grpc.listen,
                maxMessageBytes: config.grpc.maxMessageBytes,
                tls: try Self.loadTLS(config),
                onCallFinished: { method, code, duration in
                    metrics.recordCall(method: method, code: code, duration: duration)
                }
            ),
            handlers: handlers
        )
    }

    /// The state store, for the other jobs of the process and tests.
    public var stateStore: ScalerStateStore { store }

    /// Serves until `requestStop()`, then shuts down gracefully.
    public func run() async throws {
        let emulator = try await startEmulatorIfNeeded()
        let port: Int
        do {
            port = try server.start()
        } catch {
            await emulator?.emulator.stop()
            throw error
        }
        let host = Self.host(of: config.grpc.listen)
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
        let http = HTTPClient(
            configuration: .init(timeout: .milliseconds(Int64(config.runpod.timeoutSeconds * 1000))))
        let kube = kubeConfig.map { KubeClient(config: $0) }
        let elector = kube.map { makeElector($0) }
        var reconcilerSettings = makeReconcilerSettings()
        var desired: @Sendable (PoolSpec, ScalerSnapshot) -> Int? = { spec, snapshot in
            snapshot.pools[spec.id]?.decision?.burst
        }
        if let kube, let elector {
            let recorder = PoolEventRecorder(client: kube, store: store, logger: logger)
            reconcilerSettings.canMutate = { elector.isLeader }
            reconcilerSettings.onEvent = { recorder.record($0) }
            reconcilerSettings.poolsKnown = { [store] in store.inputs.clusterReadAt != nil }
            // Kubernetes mode: desired is spec.replicas (written by the HPA through /scale).
            desired = { [store] spec, _ in store.inputs.clusterPools[spec.id]?.desired }
        }
        let reconciler = makeReconciler(
            http: http, emulatorPort: emulator?.port, settings: reconcilerSettings, desired: desired)
        metrics.setLeader(elector == nil)
        let endpoints = HTTPEndpoints(
            address: config.http.listen, metrics: metrics,
            readinessProblems: { [self] in readinessProblems(reconciler) },
            beforeScrape: { [metrics, store] in metrics.recordSnapshot(store.snapshot, inputs: store.inputs) },
            logger: logger)
        let logger = self.logger
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
                group.addTask { await reconciler.run() }
                if let kube, let elector {
                    group.addTask { [self] in await makeClusterObserver(kube).run() }
                    group.addTask { await elector.run() }
                    let writer = PoolStatusWriter(
                        client: kube, store: store, reconciler: { reconciler.status }, isLeader: { elector.isLeader },
                        logger: logger)
                    group.addTask { await writer.run(every: .seconds(2)) }
                }
            }
        }
        // Outside the cancelled group: the HTTP listener is stopped gracefully.
        let httpTask = Task { [self] in
            do {
                try await endpoints.run { port in
                    logger.info("http listening", metadata: ["address": "\(Self.host(of: endpoints.address)):\(port)"])
                }
            } catch {
                fail("cannot serve HTTP on \(endpoints.address): \(error)")
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
        await elector?.release()
        kube?.shutdown()
        await endpoints.stop()
        await httpTask.value
        await emulator?.emulator.stop()
        http.shutdown()
        logger.info("stopped")
        if let message = failure.withLock({ $0 }) { throw RuntimeFailure(message: message) }
    }

    /// Stops the process with an error (a listener that cannot bind).
    private func fail(_ message: String) {
        logger.critical("\(message)")
        failure.withLock { $0 = $0 ?? message }
        requestStop()
    }

    private func startEmulatorIfNeeded() async throws -> (emulator: RunPodEmulator, port: Int)? {
        guard config.runpod.usesEmulator else { return nil }
        var emulatorConfig = EmulatorConfiguration()
        if !config.runpod.emulatorConfigFile.isEmpty {
            let path = config.runpod.emulatorConfigFile
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError(
                    origin: config.origin, key: "runpod.emulator.configFile", reason: "cannot read \(path)")
            }
            emulatorConfig = try EmulatorConfiguration.load(yaml: text, origin: path)
        }
        emulatorConfig.listen = config.runpod.emulatorListen
        let emulator = RunPodEmulator(configuration: emulatorConfig, logger: logger)
        let port = try await emulator.start()
        logger.notice(
            "runpod emulator listening: pods are emulated, nothing is rented",
            metadata: ["address": "\(Self.host(of: config.runpod.emulatorListen)):\(port)"])
        return (emulator, port)
    }

    private func makeReconcilerSettings() -> PodReconciler.Settings {
        var settings = PodReconciler.Settings(naming: PodNaming(prefix: config.runpod.podNamePrefix))
        settings.interval = .milliseconds(Int64(config.runpod.reconcileSeconds * 1000))
        settings.dryRun = config.dryRun
        settings.orphanGraceSeconds = config.pools.map(\.scaling.orphanGraceSeconds).min() ?? 300
        return settings
    }

    private func makeElector(_ client: KubeClient) -> LeaderElector {
        var settings = LeaderElectionSettings()
        settings.leaseDurationSeconds = config.kubernetes.leaseDurationSeconds
        settings.renewDeadlineSeconds = config.kubernetes.renewDeadlineSeconds
        settings.retryPeriodSeconds = config.kubernetes.retryPeriodSeconds
        return LeaderElector(
            client: client, name: config.kubernetes.leaseName, namespace: config.kubernetes.leaseNamespace,
            identity: config.kubernetes.identity, settings: settings, metrics: metrics, logger: logger)
    }

    private func makeClusterObserver(_ client: KubeClient) -> KubernetesObserver {
        var local: (nodes: String, workers: LabelSelector)?
        if config.local.source == .kubernetes {
            // Validated at load.
            local = (
                config.local.nodeSelector, (try? LabelSelector(config.local.workerSelector)) ?? LabelSelector.everything
            )
        }
        return KubernetesObserver(
            client: client, store: store, pollSeconds: config.kubernetes.pollSeconds, poolDefaults: config.poolDefaults,
            localSelectors: local, metrics: metrics, logger: logger)
    }

    private func makeReconciler(
        http: HTTPClient, emulatorPort: Int?, settings: PodReconciler.Settings,
        desired: @escaping @Sendable (PoolSpec, ScalerSnapshot) -> Int?
    ) -> PodReconciler {
        let metrics = self.metrics
        let baseURL =
            emulatorPort.map { "http://\(Self.host(of: config.runpod.emulatorListen)):\($0)" } ?? config.runpod.endpoint
        let client = RunPodClient(
            baseURL: baseURL, apiKey: config.runpod.apiKey.isEmpty ? "emulator" : config.runpod.apiKey, http: http,
            onRequest: { operation, code, seconds in
                metrics.recordRunPodRequest(operation: operation, code: code, seconds: seconds)
            })
        return PodReconciler(
            provider: client, store: store, metrics: metrics, settings: settings, logger: logger, desired: desired)
    }

    private func readinessProblems(_ reconciler: PodReconciler) -> [String] {
        var problems: [String] = []
        if health.status(of: "") != .serving { problems.append("gRPC server not serving") }
        let snapshot = store.snapshot
        if let stale = snapshot.pools.values.compactMap(\.unavailable).first { problems.append("\(stale)") }
        problems.append(contentsOf: reconciler.problems)
        if let error = store.inputs.clusterError { problems.append("cannot read the cluster: \(error)") }
        return problems
    }

    static func host(of address: String) -> Substring {
        address[..<(address.lastIndex(of: ":") ?? address.endIndex)]
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
            return PrometheusDemandSource(
                url: config.demand.prometheusURL, queueDepthQuery: config.demand.queueDepthQuery,
                latencyP95Query: config.demand.latencyP95Query,
                http: HTTPClient(configuration: .init(timeout: .seconds(10), maxConcurrentTransfers: 1)))
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
