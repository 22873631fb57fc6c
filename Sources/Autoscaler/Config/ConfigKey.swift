/// One scalar setting: its dotted path, environment variable, default and
/// meaning. The table in `ConfigKey.all` drives env overrides, `--set`,
/// `check` output and docs/CONFIG.md. Defaults are not written here: each key
/// names its field of `AutoscalerConfig`, whose initial value is the default.
public struct ConfigKey: Sendable {
    public var path: String
    /// The default as text, from `AutoscalerConfig.defaults`.
    public var defaultValue: String
    public var help: String
    /// Never printed or logged.
    public var secret: Bool
    /// An extra, older variable honoured too (the platform's RUNPOD_* names).
    public var legacyEnvironment: String?

    /// A setting whose default is the value at `field` of `AutoscalerConfig.defaults`.
    public init(
        _ path: String, _ field: KeyPath<AutoscalerConfig, String>, _ help: String, secret: Bool = false,
        legacyEnvironment: String? = nil
    ) {
        self.init(path, text: AutoscalerConfig.defaults[keyPath: field], help, secret, legacyEnvironment)
    }

    public init(_ path: String, _ field: KeyPath<AutoscalerConfig, Int>, _ help: String) {
        self.init(path, text: String(AutoscalerConfig.defaults[keyPath: field]), help, false, nil)
    }

    /// Whole numbers of seconds read as `15`, not `15.0`.
    public init(_ path: String, _ field: KeyPath<AutoscalerConfig, Double>, _ help: String) {
        let value = AutoscalerConfig.defaults[keyPath: field]
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
        self.init(path, text: text, help, false, nil)
    }

    public init(_ path: String, _ field: KeyPath<AutoscalerConfig, Bool>, _ help: String) {
        self.init(path, text: "\(AutoscalerConfig.defaults[keyPath: field])", help, false, nil)
    }

    public init(_ path: String, _ field: KeyPath<AutoscalerConfig, some RawRepresentable<String>>, _ help: String) {
        self.init(path, text: AutoscalerConfig.defaults[keyPath: field].rawValue, help, false, nil)
    }

    private init(_ path: String, text: String, _ help: String, _ secret: Bool, _ legacyEnvironment: String?) {
        self.path = path
        self.defaultValue = text
        self.help = help
        self.secret = secret
        self.legacyEnvironment = legacyEnvironment
    }

    /// `RUNPOD_AUTOSCALER_` + the path in upper snake case, acronyms kept whole:
    /// `grpc.tls.certFile` → `RUNPOD_AUTOSCALER_GRPC_TLS_CERT_FILE`,
    /// `grpc.tls.clientCAFile` → `RUNPOD_AUTOSCALER_GRPC_TLS_CLIENT_CA_FILE`.
    public var environmentName: String {
        var out = "RUNPOD_AUTOSCALER_"
        let characters = Array(path)
        for (index, character) in characters.enumerated() {
            if character == "." {
                out.append("_")
                continue
            }
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                // A word starts here: after a lowercase letter or digit, or at the end of an acronym (CAFile).
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                    out.append("_")
                }
            }
            out.append(contentsOf: character.uppercased())
        }
        return out
    }

    public static let all: [ConfigKey] = [
        ConfigKey("grpc.listen", \.grpc.listen, "gRPC listen address (host:port; port 0 picks one)"),
        ConfigKey(
            "grpc.maxMessageBytes", \.grpc.maxMessageBytes,
            "largest request accepted; larger ones get RESOURCE_EXHAUSTED"),
        ConfigKey(
            "grpc.shutdownGraceSeconds", \.grpc.shutdownGraceSeconds, "how long in-flight calls may drain on SIGTERM"),
        ConfigKey("grpc.tls.certFile", \.grpc.certFile, "PEM certificate chain; set with keyFile to serve TLS"),
        ConfigKey("grpc.tls.keyFile", \.grpc.keyFile, "PEM private key", secret: false),
        ConfigKey(
            "grpc.tls.clientCAFile", \.grpc.clientCAFile,
            "PEM CA bundle; set = clients must present a certificate (mTLS)"),
        ConfigKey("http.listen", \.http.listen, "/metrics, /healthz and /readyz listen address"),
        ConfigKey(
            "runpod.endpoint", \.runpod.endpoint,
            "RunPod REST base URL (https://; http:// only on loopback), or \"emulator\" for the built-in one"),
        ConfigKey("runpod.apiKeyFile", \.runpod.apiKeyFile, "file holding the RunPod API key (else $RUNPOD_API_KEY)"),
        ConfigKey(
            "runpod.apiKey", \.runpod.apiKey, "the RunPod API key", secret: true, legacyEnvironment: "RUNPOD_API_KEY"),
        ConfigKey(
            "runpod.podNamePrefix", \.runpod.podNamePrefix, "prefix of the names of the pods this autoscaler owns"),
        ConfigKey("runpod.timeoutSeconds", \.runpod.timeoutSeconds, "RunPod API request timeout"),
        ConfigKey("runpod.reconcileSeconds", \.runpod.reconcileSeconds, "how often the reconciler lists pods and acts"),
        ConfigKey(
            "runpod.requestsPerMinute", \.runpod.requestsPerMinute,
            "RunPod calls per minute the reconciler spends, all pools together, when answers carry no RateLimit headers"
        ),
        ConfigKey(
            "runpod.emulator.listen", \.runpod.emulatorListen,
            "where the in-process emulator listens (runpod.endpoint: emulator); `pods` reads it there"),
        ConfigKey(
            "runpod.emulator.configFile", \.runpod.emulatorConfigFile,
            "emulator YAML (delays, capacity, prices, faults)"),
        ConfigKey("demand.source", \.demand.source, "where demand comes from: file | prometheus"),
        ConfigKey("demand.pollSeconds", \.demand.pollSeconds, "how often the demand source is read"),
        ConfigKey(
            "demand.staleAfterSeconds", \.demand.staleAfterSeconds, "older readings make the scaler answer UNAVAILABLE"),
        ConfigKey(
            "demand.file.path", \.demand.filePath,
            "JSON file {\"queueDepth\": N, \"latencyP95Seconds\": S}, re-read when it changes"),
        ConfigKey("demand.prometheus.url", \.demand.prometheusURL, "Prometheus base URL"),
        ConfigKey("demand.prometheus.queueDepthQuery", \.demand.queueDepthQuery, "PromQL for the queue depth"),
        ConfigKey(
            "demand.prometheus.latencyP95Query", \.demand.latencyP95Query, "PromQL for the p95 job latency in seconds"),
        ConfigKey(
            "demand.prometheus.arrivalRateQuery", \.demand.arrivalRateQuery,
            "PromQL for jobs arriving per second (for scaling.mode: rate); empty: not measured"),
        ConfigKey("local.source", \.local.source, "where local GPU capacity comes from: static | kubernetes"),
        ConfigKey("local.static.gpus", \.local.staticGPUs, "local GPUs (static source)"),
        ConfigKey(
            "local.static.usedByOthers", \.local.staticUsedByOthers,
            "local GPUs held by other workloads (static source)"),
        ConfigKey("local.nodeSelector", \.local.nodeSelector, "label selector of the local GPU nodes"),
        ConfigKey("local.workerSelector", \.local.workerSelector, "label selector of this queue's local workers"),
        ConfigKey("kubernetes.enabled", \.kubernetes.enabled, "auto (in-cluster or $KUBECONFIG) | true | false"),
        ConfigKey(
            "kubernetes.kubeconfig", \.kubernetes.kubeconfig, "kubeconfig file outside a cluster (else $KUBECONFIG)"),
        ConfigKey("kubernetes.context", \.kubernetes.context, "kubeconfig context (else its current-context)"),
        ConfigKey("kubernetes.pollSeconds", \.kubernetes.pollSeconds, "how often RunPodPools, nodes and pods are read"),
        ConfigKey(
            "kubernetes.leaderElection.leaseDurationSeconds", \.kubernetes.leaseDurationSeconds,
            "how long a lease lasts without renewal"),
        ConfigKey(
            "kubernetes.leaderElection.renewDeadlineSeconds", \.kubernetes.renewDeadlineSeconds,
            "the leader stops acting when it could not renew for this long"),
        ConfigKey(
            "kubernetes.leaderElection.retryPeriodSeconds", \.kubernetes.retryPeriodSeconds,
            "how often the lease is renewed or tried"),
        ConfigKey(
            "kubernetes.leaderElection.identity", \.kubernetes.identity,
            "this replica's name in the lease (default: hostname-pid)"),
        ConfigKey("kubernetes.leaderElection.leaseName", \.kubernetes.leaseName, "Lease name for leader election"),
        ConfigKey("kubernetes.leaderElection.namespace", \.kubernetes.leaseNamespace, "Lease namespace"),
        ConfigKey(
            "attach.privateKeyFile", \.attach.privateKeyFile,
            "OpenSSH ed25519 private key (unencrypted) for attach tunnels; needed when a pool enables attach.ssh"),
        ConfigKey("log.level", \.log.level, "trace | debug | info | notice | warning | error | critical"),
        ConfigKey("log.format", \.log.format, "text | json"),
        ConfigKey("dryRun", \.dryRun, "log intended creates and terminates, send none"),
        ConfigKey(
            "pools.template.templateId", \.poolDefaults.templateId, "default pool templateId",
            legacyEnvironment: "RUNPOD_TEMPLATE_ID"),
        ConfigKey(
            "pools.template.networkVolumeId", \.poolDefaults.networkVolumeId, "default pool network volume",
            legacyEnvironment: "RUNPOD_NETWORK_VOLUME_ID"),
        ConfigKey(
            "pools.template.gpuTypeId", \.poolDefaults.gpuTypeId, "default first GPU type of every pool",
            legacyEnvironment: "RUNPOD_INSTANCE_TYPE"),
    ]

    /// The key at `path`, if it is a scalar setting.
    public static func named(_ path: String) -> ConfigKey? {
        all.first { $0.path == path }
    }
}
