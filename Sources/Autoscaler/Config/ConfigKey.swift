/// One scalar setting: its dotted path, environment variable, default and
/// meaning. The table in `ConfigKey.all` drives env overrides, `--set`,
/// `check` output and docs/CONFIG.md.
public struct ConfigKey: Sendable {
    public var path: String
    public var defaultValue: String
    public var help: String
    /// Never printed or logged.
    public var secret: Bool
    /// An extra, older variable honoured too (the platform's RUNPOD_* names).
    public var legacyEnvironment: String?

    public init(
        _ path: String, _ defaultValue: String, _ help: String, secret: Bool = false, legacyEnvironment: String? = nil
    ) {
        self.path = path
        self.defaultValue = defaultValue
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
        ConfigKey("grpc.listen", "0.0.0.0:9090", "gRPC listen address (host:port; port 0 picks one)"),
        ConfigKey("grpc.maxMessageBytes", "65536", "largest request accepted; larger ones get RESOURCE_EXHAUSTED"),
        ConfigKey("grpc.shutdownGraceSeconds", "10", "how long in-flight calls may drain on SIGTERM"),
        ConfigKey("grpc.tls.certFile", "", "PEM certificate chain; set with keyFile to serve TLS"),
        ConfigKey("grpc.tls.keyFile", "", "PEM private key", secret: false),
        ConfigKey("grpc.tls.clientCAFile", "", "PEM CA bundle; set = clients must present a certificate (mTLS)"),
        ConfigKey("http.listen", "0.0.0.0:8080", "/metrics, /healthz and /readyz listen address"),
        ConfigKey(
            "runpod.endpoint", "https://api.runpod.io", "RunPod REST base URL, or \"emulator\" for the built-in one"),
        ConfigKey("runpod.apiKeyFile", "", "file holding the RunPod API key (else $RUNPOD_API_KEY)"),
        ConfigKey("runpod.apiKey", "", "the RunPod API key", secret: true, legacyEnvironment: "RUNPOD_API_KEY"),
        ConfigKey("runpod.podNamePrefix", "rpa", "prefix of the names of the pods this autoscaler owns"),
        ConfigKey("runpod.timeoutSeconds", "15", "RunPod API request timeout"),
        ConfigKey("runpod.reconcileSeconds", "5", "how often the reconciler lists pods and acts"),
        ConfigKey(
            "runpod.emulator.listen", "127.0.0.1:19080",
            "where the in-process emulator listens (runpod.endpoint: emulator); `pods` reads it there"),
        ConfigKey("runpod.emulator.configFile", "", "emulator YAML (delays, capacity, prices, faults)"),
        ConfigKey("demand.source", "file", "where demand comes from: file | prometheus"),
        ConfigKey("demand.pollSeconds", "30", "how often the demand source is read"),
        ConfigKey("demand.staleAfterSeconds", "120", "older readings make the scaler answer UNAVAILABLE"),
        ConfigKey(
            "demand.file.path", "demand.json",
            "JSON file {\"queueDepth\": N, \"latencyP95Seconds\": S}, re-read when it changes"),
        ConfigKey("demand.prometheus.url", "http://prometheus.monitoring:9090", "Prometheus base URL"),
        ConfigKey(
            "demand.prometheus.queueDepthQuery", "sum(kafka_consumergroup_lag{consumergroup=\"media-gpu\"})",
            "PromQL for the queue depth"),
        ConfigKey(
            "demand.prometheus.latencyP95Query",
            "histogram_quantile(0.95, sum(rate(media_job_duration_seconds_bucket[5m])) by (le))",
            "PromQL for the p95 job latency in seconds"),
        ConfigKey("local.source", "static", "where local GPU capacity comes from: static | kubernetes"),
        ConfigKey("local.static.gpus", "4", "local GPUs (static source)"),
        ConfigKey("local.static.usedByOthers", "0", "local GPUs held by other workloads (static source)"),
        ConfigKey("local.nodeSelector", "gpu-type=local", "label selector of the local GPU nodes"),
        ConfigKey("local.workerSelector", "app=gpu-worker", "label selector of this queue's local workers"),
        ConfigKey("kubernetes.enabled", "auto", "auto (in-cluster or $KUBECONFIG) | true | false"),
        ConfigKey("kubernetes.kubeconfig", "", "kubeconfig file outside a cluster (else $KUBECONFIG)"),
        ConfigKey("kubernetes.context", "", "kubeconfig context (else its current-context)"),
        ConfigKey("kubernetes.pollSeconds", "5", "how often RunPodPools, nodes and pods are read"),
        ConfigKey("kubernetes.leaderElection.leaseDurationSeconds", "15", "how long a lease lasts without renewal"),
        ConfigKey(
            "kubernetes.leaderElection.renewDeadlineSeconds", "10",
            "the leader stops acting when it could not renew for this long"),
        ConfigKey("kubernetes.leaderElection.retryPeriodSeconds", "2", "how often the lease is renewed or tried"),
        ConfigKey("kubernetes.leaderElection.identity", "", "this replica's name in the lease (default: hostname-pid)"),
        ConfigKey("kubernetes.leaderElection.leaseName", "runpod-autoscaler", "Lease name for leader election"),
        ConfigKey("kubernetes.leaderElection.namespace", "platform", "Lease namespace"),
        ConfigKey("log.level", "info", "trace | debug | info | notice | warning | error | critical"),
        ConfigKey("log.format", "text", "text | json"),
        ConfigKey("dryRun", "false", "log intended creates and terminates, send none"),
        ConfigKey("pools.template.templateId", "", "default pool templateId", legacyEnvironment: "RUNPOD_TEMPLATE_ID"),
        ConfigKey(
            "pools.template.networkVolumeId", "", "default pool network volume",
            legacyEnvironment: "RUNPOD_NETWORK_VOLUME_ID"),
        ConfigKey(
            "pools.template.gpuTypeId", "", "default first GPU type of every pool",
            legacyEnvironment: "RUNPOD_INSTANCE_TYPE"),
    ]

    /// The key at `path`, if it is a scalar setting.
    public static func named(_ path: String) -> ConfigKey? {
        all.first { $0.path == path }
    }
}
