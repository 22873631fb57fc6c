import CurlHTTP
import Decisions
import Foundation
import KubeClient
import LibGRPCServer
import SSHTunnel

/// How each part of `serve` is built from the config.
extension ScalerRuntime {
    func makeElector(_ client: KubeClient) -> LeaderElector {
        var settings = LeaderElectionSettings()
        settings.leaseDurationSeconds = config.kubernetes.leaseDurationSeconds
        settings.renewDeadlineSeconds = config.kubernetes.renewDeadlineSeconds
        settings.retryPeriodSeconds = config.kubernetes.retryPeriodSeconds
        let store = self.store
        return LeaderElector(
            client: client, name: config.kubernetes.leaseName, namespace: config.kubernetes.leaseNamespace,
            identity: config.kubernetes.identity, settings: settings, metrics: metrics, logger: logger,
            onObserve: { followed in
                guard store.inputs.followedLeader != followed else { return }
                store.update(now: Date()) { $0.followedLeader = followed }
            })
    }

    func makeClusterObserver(_ client: KubeClient) -> KubernetesObserver {
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

    /// Standalone: desired is the policy's burst. Kubernetes mode: desired is
    /// spec.replicas (written by the HPA through /scale) and only the leader acts.
    func makeFinalizer(_ kube: KubeClient, elector: LeaderElector) -> PoolFinalizer {
        PoolFinalizer(
            client: kube, store: store, isLeader: { elector.isLeader }, dryRun: config.dryRun, logger: logger)
    }

    func makeReconciler(
        _ runpod: RunPodConnection, kube: KubeClient?, elector: LeaderElector?, finalizer: PoolFinalizer?,
        attach: AttachController?, afterFirstPass: @escaping @Sendable () -> Void
    ) -> PodReconciler {
        var settings = PodReconciler.Settings(naming: PodNaming(prefix: config.runpod.podNamePrefix))
        settings.afterFirstPass = afterFirstPass
        settings.interval = .milliseconds(Int64(config.runpod.reconcileSeconds * 1000))
        settings.dryRun = config.dryRun
        settings.requestsPerMinute = config.runpod.requestsPerMinute
        settings.orphanGraceSeconds = config.pools.map(\.scaling.orphanGraceSeconds).min() ?? 300
        if let attach {
            settings.attachPublicKey = attach.publicKey
            settings.tunnelFailed = { attach.failedPods }
        }
        var desired: @Sendable (PoolSpec, ScalerSnapshot) -> Int? = { spec, snapshot in
            snapshot.pools[spec.id]?.decision?.burst
        }
        if let kube, let elector {
            let recorder = PoolEventRecorder(client: kube, store: store, logger: logger)
            settings.canMutate = { elector.isLeader }
            settings.onEvent = { recorder.record($0) }
            settings.poolsKnown = { [store] in store.inputs.clusterReadAt != nil }
            settings.deleting = { [store] in Set(store.inputs.clusterPools.filter(\.value.deleting).keys) }
            settings.onPoolDrained = { pool in await finalizer?.release(pool) }
            let dryRun = config.dryRun
            desired = { [store] spec, _ in store.inputs.clusterPools[spec.id]?.reconcileDesired(dryRun: dryRun) }
        }
        return PodReconciler(
            provider: runpod.client, store: store, metrics: metrics, settings: settings, logger: logger,
            desired: desired)
    }

    /// The attach executor, when `attach.privateKeyFile` is set; only the leader acts.
    func makeAttach(kube: KubeClient?, elector: LeaderElector?) throws -> AttachController? {
        guard !config.attach.privateKeyFile.isEmpty else { return nil }
        let key = try Self.loadAttachKey(config)
        var settings = AttachController.Settings()
        var onEvent: (@Sendable (PoolEvent) -> Void)?
        if let kube, let elector {
            let recorder = PoolEventRecorder(client: kube, store: store, logger: logger)
            settings.canMutate = { elector.isLeader }
            settings.pinnedHostKeys = { [store] in
                store.inputs.clusterPools.values.reduce(into: [:]) { $0.merge($1.pinnedHostKeys) { first, _ in first } }
            }
            onEvent = { recorder.record($0) }
        }
        return AttachController(
            key: key, pools: { [store] in store.inputs.pools }, cluster: kube, metrics: metrics, onEvent: onEvent,
            settings: settings, logger: logger)
    }

    /// Reads the attach key; errors name the file and the problem, never key bytes.
    static func loadAttachKey(_ config: AutoscalerConfig) throws -> OpenSSHPrivateKey {
        let path = config.attach.privateKeyFile
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(origin: config.origin, key: "attach.privateKeyFile", reason: "cannot read \(path)")
        }
        do {
            return try OpenSSHPrivateKey(pem: text)
        } catch {
            throw ConfigError(origin: config.origin, key: "attach.privateKeyFile", reason: "\(path): \(error)")
        }
    }

    func makeEndpoints(_ reconciler: PodReconciler, onListening: @escaping @Sendable () -> Void) -> HTTPEndpoints {
        let (health, store, metrics) = (self.health, self.store, self.metrics)
        return HTTPEndpoints(
            address: config.http.listen, metrics: metrics,
            readinessProblems: {
                var problems: [String] = []
                if health.status(of: "") != .serving { problems.append("gRPC server not serving") }
                if let stale = store.snapshot.pools.values.compactMap(\.unavailable).first {
                    problems.append("\(stale)")
                }
                problems.append(contentsOf: reconciler.problems)
                if let error = store.inputs.clusterError { problems.append("cannot read the cluster: \(error)") }
                return problems
            },
            beforeScrape: { metrics.recordSnapshot(store.snapshot, inputs: store.inputs) },
            logger: logger, onListening: onListening)
    }

    static func makeDemandSource(_ config: AutoscalerConfig) throws -> any DemandSource {
        switch config.demand.source {
        case .file:
            return FileDemandSource(path: config.demand.filePath)
        case .prometheus:
            return PrometheusDemandSource(
                url: config.demand.prometheusURL, queueDepthQuery: config.demand.queueDepthQuery,
                latencyP95Query: config.demand.latencyP95Query, arrivalRateQuery: config.demand.arrivalRateQuery,
                http: HTTPClient(configuration: .init(timeout: .seconds(10), maxConcurrentTransfers: 1)))
        }
    }

    static func loadTLS(_ config: AutoscalerConfig) throws -> TLSConfiguration? {
        guard config.grpc.tlsEnabled else { return nil }
        func read(_ path: String, _ key: String, mustContain marker: String, what: String) throws -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError(origin: config.origin, key: key, reason: "cannot read \(path)")
            }
            guard text.contains(marker) else {
                throw ConfigError(origin: config.origin, key: key, reason: "\(path) holds no PEM \(what)")
            }
            return text
        }
        let certificate = try read(
            config.grpc.certFile, "grpc.tls.certFile", mustContain: "-----BEGIN CERTIFICATE-----", what: "certificate")
        let key = try read(
            config.grpc.keyFile, "grpc.tls.keyFile", mustContain: "PRIVATE KEY-----", what: "private key")
        var clientCA: String?
        if !config.grpc.clientCAFile.isEmpty {
            clientCA = try read(
                config.grpc.clientCAFile, "grpc.tls.clientCAFile", mustContain: "-----BEGIN CERTIFICATE-----",
                what: "certificate")
        }
        return TLSConfiguration(certificateChainPEM: certificate, privateKeyPEM: key, clientCAPEM: clientCA)
    }
}
