import Decisions
import Foundation
import KubeClient
import LibGRPCServer
import Logging
import ServiceLifecycle
import Synchronization

/// The `serve` job, as composition only: every long-running part is a
/// `Service` in one `ServiceGroup`, in start order; the group stops them in
/// reverse, so the gRPC server drains first and the lease is released last.
/// A stop requested while parts are still starting stops them too.
public final class ScalerRuntime: Sendable {
    private enum Phase {
        case starting(stopRequested: Bool)
        case running(ServiceGroup)
    }

    let config: AutoscalerConfig
    let logger: Logger
    let store: ScalerStateStore
    let health: HealthService
    let metrics: AutoscalerMetrics
    private let server: GRPCServer
    private let kubeConfig: KubeConfig?
    private let phase = Mutex(Phase.starting(stopRequested: false))

    /// - Parameter kube: the cluster to use in Kubernetes mode (`config.kubernetes.active`).
    public init(config: AutoscalerConfig, kube: KubeConfig? = nil, logger: Logger) throws {
        self.config = config
        self.kubeConfig = kube
        self.logger = logger
        let demandSource = try Self.makeDemandSource(config)
        let inputs = ScalerInputs(
            pools: config.pools,
            demand: SourceStatus(name: demandSource.name, location: demandSource.location),
            local: LocalCapacity(gpus: config.local.staticGPUs, usedByOthers: config.local.staticUsedByOthers),
            staleAfterSeconds: config.demand.staleAfterSeconds
        )
        store = ScalerStateStore(inputs: inputs, now: Date(), logger: logger)
        self.demandSource = demandSource

        let scaler = ExternalScalerService(store: store)
        health = HealthService(services: [ExternalScalerService.serviceName])
        let reflection = try ReflectionService(services: [
            ExternalScalerService.serviceName, HealthService.serviceName,
            ReflectionService.v1ServiceName, ReflectionService.v1alphaServiceName,
        ])
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
                callRecorder: { method in metrics.recorder(for: method) }
            ),
            handlers: handlers
        )
    }

    let demandSource: any DemandSource

    /// The state store, for the other jobs of the process and tests.
    public var stateStore: ScalerStateStore { store }

    /// Serves until `requestStop()`, then shuts down gracefully; throws when a
    /// part could not run (a port in use, an unreadable emulator config).
    public func run() async throws {
        let emulator = try await EmbeddedEmulator.startIfConfigured(config, logger: logger)
        let runpod = RunPodConnection(config: config, emulatorPort: emulator?.port, metrics: metrics)
        let kube = kubeConfig.map { KubeClient(config: $0) }
        defer {
            kube?.shutdown()
            runpod.shutdown()
        }
        let settling = StartupSettling(
            waitingFor: [.grpcServing, .httpListening, .firstReconcilePass, .firstDemandReading])
        let elector = kube.map { makeElector($0) }
        let finalizer = kube.flatMap { kube in elector.map { makeFinalizer(kube, elector: $0) } }
        let attach = try makeAttach(kube: kube, elector: elector)
        let reconciler = makeReconciler(
            runpod, kube: kube, elector: elector, finalizer: finalizer, attach: attach,
            afterFirstPass: { settling.reached(.firstReconcilePass) })
        attach?.readPods(from: { reconciler.status })
        metrics.setLeader(elector == nil)

        // Start order; the group stops them in reverse.
        var services: [any Service] = []
        if let elector {
            services.append(
                BackgroundLoop(
                    description: "LeaderElector", body: { await elector.run() },
                    afterStop: { await elector.release() }))
        }
        if let emulator { services.append(emulator) }
        if let kube {
            services.append(
                BackgroundLoop(description: "KubernetesObserver") { await self.makeClusterObserver(kube).run() })
        }
        let observer = DemandObserver(
            source: demandSource, store: store, pollSeconds: config.demand.pollSeconds, logger: logger,
            afterFirstReading: { settling.reached(.firstDemandReading) })
        services.append(BackgroundLoop(description: "DemandObserver") { await observer.run() })
        services.append(BackgroundLoop(description: "StoreTicker") { [store] in await Self.tick(store) })
        let release = StartupMemoryRelease(settling: settling, logger: logger)
        services.append(BackgroundLoop(description: "StartupMemoryRelease") { await release.run() })
        services.append(BackgroundLoop(description: "PodReconciler") { await reconciler.run() })
        if let attach { services.append(BackgroundLoop(description: "AttachController") { await attach.run() }) }
        if let kube, let elector {
            let writer = PoolStatusWriter(
                client: kube, identity: config.kubernetes.identity, store: store, reconciler: { reconciler.status },
                isLeader: { elector.isLeader },
                logger: logger)
            services.append(BackgroundLoop(description: "PoolStatusWriter") { await writer.run(every: .seconds(2)) })
        }
        if let finalizer {
            services.append(BackgroundLoop(description: "PoolFinalizer") { await finalizer.run(every: .seconds(1)) })
        }
        services.append(makeEndpoints(reconciler, onListening: { settling.reached(.httpListening) }))
        services.append(
            GRPCServerService(
                server: server, health: health, address: config.grpc.listen,
                tls: (config.grpc.tlsEnabled, !config.grpc.clientCAFile.isEmpty),
                grace: config.grpc.shutdownGraceSeconds, logger: logger,
                onServing: { settling.reached(.grpcServing) }))

        let group = makeGroup(services)
        let stopEarly = phase.withLock { phase -> Bool in
            defer { phase = .running(group) }
            if case .starting(let stopRequested) = phase { return stopRequested }
            return false
        }
        if stopEarly { await group.triggerGracefulShutdown() }
        try await group.run()
        logger.info("stopped")
    }

    /// Asks `run()` to shut down gracefully (SIGTERM, SIGINT). Safe from any
    /// thread and at any moment, also before `run()` has built its parts.
    public func requestStop() {
        let group = phase.withLock { phase -> ServiceGroup? in
            switch phase {
            case .starting: phase = .starting(stopRequested: true)
            case .running(let group): return group
            }
            return nil
        }
        if let group { Task { await group.triggerGracefulShutdown() } }
    }

    private func makeGroup(_ services: [any Service]) -> ServiceGroup {
        let configurations = services.map { service in
            ServiceGroupConfiguration.ServiceConfiguration(
                service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup)
        }
        var configuration = ServiceGroupConfiguration(services: configurations, logger: logger)
        // Bounded: the gRPC grace, then every other part gets a few seconds before cancellation.
        configuration.maximumGracefulShutdownDuration = .milliseconds(
            Int64((config.grpc.shutdownGraceSeconds + 10) * 1000))
        configuration.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: configuration)
    }

    /// Time alone moves idle holds and staleness.
    private static func tick(_ store: ScalerStateStore) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            store.tick(now: Date())
        }
    }
}
