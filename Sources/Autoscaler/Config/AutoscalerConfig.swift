import Decisions

/// The whole configuration, built once from file + environment + flags by
/// `ConfigLoader` and validated there. The initial values below are the
/// defaults; `ConfigKey.all` (and so the docs) reads them from here.
public struct AutoscalerConfig: Sendable {
    /// Every setting at its default.
    public static let defaults = AutoscalerConfig()

    public struct GRPC: Sendable {
        public var listen = "0.0.0.0:9090"
        public var maxMessageBytes = 65536
        public var shutdownGraceSeconds = 10.0
        public var certFile = ""
        public var keyFile = ""
        public var clientCAFile = ""
        public var tlsEnabled: Bool { !certFile.isEmpty }
    }

    public struct HTTP: Sendable {
        public var listen = "0.0.0.0:8080"
    }

    public struct RunPod: Sendable {
        public var endpoint = "https://api.runpod.io"
        public var apiKeyFile = ""
        /// The key itself; never printed (see `redacted`).
        public var apiKey = ""
        public var podNamePrefix = "rpa"
        public var timeoutSeconds = 15.0
        public var reconcileSeconds = 5.0
        /// The key's request quota when RunPod's answers carry no rate-limit headers.
        public var requestsPerMinute = 60
        public var emulatorListen = "127.0.0.1:19080"
        public var emulatorConfigFile = ""
        /// The built-in emulator serves the RunPod API (by choice, or because no key is set).
        public var usesEmulator: Bool { endpoint == "emulator" }
    }

    public enum DemandSourceKind: String, Sendable { case file, prometheus }

    public struct Demand: Sendable {
        public var source = DemandSourceKind.file
        public var pollSeconds = 30.0
        public var staleAfterSeconds = 120.0
        public var filePath = "demand.json"
        public var prometheusURL = "http://prometheus.monitoring:9090"
        public var queueDepthQuery = #"sum(kafka_consumergroup_lag{consumergroup="media-gpu"})"#
        public var latencyP95Query =
            "histogram_quantile(0.95, sum(rate(media_job_duration_seconds_bucket[5m])) by (le))"
        /// Jobs arriving per second; empty: not measured (the rate mode then falls back to the queue rule).
        public var arrivalRateQuery = ""
    }

    public enum LocalSourceKind: String, Sendable { case `static`, kubernetes }

    public struct Local: Sendable {
        public var source = LocalSourceKind.static
        public var staticGPUs = 4
        public var staticUsedByOthers = 0
        public var nodeSelector = "gpu-type=local"
        public var workerSelector = "app=gpu-worker"
    }

    public struct Kubernetes: Sendable {
        public var enabled = "auto"
        public var kubeconfig = ""
        public var context = ""
        public var pollSeconds = 5.0
        public var leaseName = "runpod-autoscaler"
        public var leaseNamespace = "platform"
        public var leaseDurationSeconds = 15.0
        public var renewDeadlineSeconds = 10.0
        public var retryPeriodSeconds = 2.0
        public var identity = ""
        /// Resolved from `enabled`: pools are RunPodPool objects, not `pools`.
        public var active = false
        /// Where the client configuration comes from when active.
        public var inCluster = false
    }

    public struct Attach: Sendable {
        /// OpenSSH ed25519 private key (unencrypted) the leader logs in to attached pods with; its public half
        /// goes to those pods as `env.PUBLIC_KEY`. Needed when a pool has `template.attach.ssh.enabled`.
        public var privateKeyFile = ""
    }

    public struct Log: Sendable {
        public var level = "info"
        public var format = "text"
    }

    public var grpc = GRPC()
    public var http = HTTP()
    public var runpod = RunPod()
    public var demand = Demand()
    public var local = Local()
    public var kubernetes = Kubernetes()
    public var attach = Attach()
    public var log = Log()
    public var dryRun = false
    public var pools: [PoolSpec] = []
    /// Template defaults from the platform's RUNPOD_* variables, for pools of
    /// RunPodPool objects too.
    public var poolDefaults = PoolDefaults()
    /// Where the file part came from, for messages.
    public var origin = "(defaults)"

    public init() {}
}
