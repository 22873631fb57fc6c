import CurlHTTP
import Decisions
import Foundation
import Yams

/// Builds the one `AutoscalerConfig` from the YAML file, the environment and
/// `--set` flags (flags win, then env, then the file, then defaults), and
/// validates it. Only `main` hands it the process environment.
public enum ConfigLoader {
    /// - Parameters:
    ///   - yaml: the file's text (nil: defaults only).
    ///   - origin: the file's path, for messages.
    ///   - environment: variables to honour (see `ConfigKey`).
    ///   - settings: `key=value` pairs from `--set`, applied last.
    public static func load(
        yaml: String?, origin: String, environment: [String: String], settings: [String] = []
    ) throws(ConfigError) -> AutoscalerConfig {
        let config = try read(yaml: yaml, origin: origin, environment: environment, settings: settings)
        // A large file's YAML tree and the reading's garbage are gone now: whole free pages go back.
        if (yaml?.utf8.count ?? 0) >= scratchThreadBytes { FreeHeapPages.release() }
        return config
    }

    /// From this size on (150-200 pools of a few lines) the YAML tree is built on a `ScratchThread`.
    static let scratchThreadBytes = 32 * 1024

    /// The YAML tree, given to `use`. The basic resolver: every plain scalar stays a string (the reader
    /// interprets the text itself), so no scalar or key lookup runs Yams' regular expressions, which
    /// would start ICU in the process. A large file's tree is built on a `ScratchThread`.
    static func withTree<Value>(
        _ yaml: String?, origin: String, _ use: (Node?) throws(ConfigError) -> Value
    ) throws(ConfigError) -> Value {
        guard let yaml else { return try use(nil) }
        let compose: @Sendable () -> Result<Node?, any Error> = { Result { try Yams.compose(yaml: yaml, .basic) } }
        func useTree(_ composed: Result<Node?, any Error>) throws(ConfigError) -> Value {
            switch composed {
            case .success(let root): return try use(root)
            case .failure(let error): throw ConfigError(origin: origin, key: "", reason: "not valid YAML: \(error)")
            }
        }
        if yaml.utf8.count < scratchThreadBytes { return try useTree(compose()) }
        return try ScratchThread.run(compose, use: useTree)
    }

    private static func read(
        yaml: String?, origin: String, environment: [String: String], settings: [String]
    ) throws(ConfigError) -> AutoscalerConfig {
        try withTree(yaml, origin: origin) { root throws(ConfigError) in
            try read(root: root, origin: origin, environment: environment, settings: settings)
        }
    }

    private static func read(
        root: Node?, origin: String, environment: [String: String], settings: [String]
    ) throws(ConfigError) -> AutoscalerConfig {
        if let root, case .scalar = root {
            throw ConfigError(origin: origin, key: "", reason: "expected a mapping of settings at the top level")
        }

        var overrides: [String: ConfigReader.Override] = [:]
        for key in ConfigKey.all {
            if let legacy = key.legacyEnvironment, let value = environment[legacy], !value.isEmpty {
                overrides[key.path] = .init(value: value, origin: "environment variable \(legacy)")
            }
            if let value = environment[key.environmentName], !value.isEmpty {
                overrides[key.path] = .init(value: value, origin: "environment variable \(key.environmentName)")
            }
        }
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else {
                throw ConfigError(origin: "--set \(setting)", key: "", reason: "expected KEY=VALUE")
            }
            let path = String(setting[..<equals])
            guard ConfigKey.named(path) != nil else {
                let keys = ConfigKey.all.map(\.path).joined(separator: ", ")
                throw ConfigError(origin: "--set", key: path, reason: "not a setting; known: \(keys)")
            }
            overrides[path] = .init(value: String(setting[setting.index(after: equals)...]), origin: "--set \(path)")
        }

        var reader = ConfigReader(file: origin, root: root, overrides: overrides)
        var (config, pools) = try read(&reader)
        config.origin = origin
        config.kubernetes.inCluster = !(environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty
        if config.kubernetes.kubeconfig.isEmpty { config.kubernetes.kubeconfig = environment["KUBECONFIG"] ?? "" }
        switch config.kubernetes.enabled {
        case "true": config.kubernetes.active = true
        case "false": config.kubernetes.active = false
        default: config.kubernetes.active = config.kubernetes.inCluster || !config.kubernetes.kubeconfig.isEmpty
        }
        if let unknown = reader.unknownKeys().first {
            throw ConfigError(
                origin: origin, key: unknown, reason: "unknown key (misspelt, or not a setting of this version)")
        }
        try validate(config)
        config.pools = try validated(pools, config: config)
        if config.attach.privateKeyFile.isEmpty, let pool = config.pools.first(where: \.template.attach.ssh) {
            throw ConfigError(
                origin: origin, key: "attach.privateKeyFile",
                reason: "pool \(pool.id) enables template.attach.ssh: set the SSH key its tunnels log in with")
        }
        return config
    }

    /// The settings, and the `pools[]` entries as written.
    private static func read(_ r: inout ConfigReader) throws(ConfigError) -> (AutoscalerConfig, [PoolDraft]) {
        var c = AutoscalerConfig()
        c.grpc.listen = try r.string("grpc.listen", c.grpc.listen)
        c.grpc.maxMessageBytes = try r.int("grpc.maxMessageBytes", c.grpc.maxMessageBytes, minimum: 1024)
        c.grpc.shutdownGraceSeconds = try r.double("grpc.shutdownGraceSeconds", c.grpc.shutdownGraceSeconds)
        c.grpc.certFile = try r.string("grpc.tls.certFile", c.grpc.certFile)
        c.grpc.keyFile = try r.string("grpc.tls.keyFile", c.grpc.keyFile)
        c.grpc.clientCAFile = try r.string("grpc.tls.clientCAFile", c.grpc.clientCAFile)
        c.http.listen = try r.string("http.listen", c.http.listen)

        c.runpod.endpoint = try r.string("runpod.endpoint", c.runpod.endpoint)
        c.runpod.apiKeyFile = try r.string("runpod.apiKeyFile", c.runpod.apiKeyFile)
        c.runpod.apiKey = try r.string("runpod.apiKey", c.runpod.apiKey)
        c.runpod.podNamePrefix = try r.string("runpod.podNamePrefix", c.runpod.podNamePrefix)
        c.runpod.timeoutSeconds = try r.double("runpod.timeoutSeconds", c.runpod.timeoutSeconds, allowZero: false)
        c.runpod.reconcileSeconds = try r.double("runpod.reconcileSeconds", c.runpod.reconcileSeconds, allowZero: false)
        c.runpod.requestsPerMinute = try r.int("runpod.requestsPerMinute", c.runpod.requestsPerMinute, minimum: 1)
        c.runpod.emulatorListen = try r.string("runpod.emulator.listen", c.runpod.emulatorListen)
        c.runpod.emulatorConfigFile = try r.string("runpod.emulator.configFile", c.runpod.emulatorConfigFile)

        c.demand.source = try r.choice("demand.source", c.demand.source)
        c.demand.pollSeconds = try r.double("demand.pollSeconds", c.demand.pollSeconds, allowZero: false)
        c.demand.staleAfterSeconds = try r.double(
            "demand.staleAfterSeconds", c.demand.staleAfterSeconds, allowZero: false)
        c.demand.filePath = try r.string("demand.file.path", c.demand.filePath)
        c.demand.prometheusURL = try r.string("demand.prometheus.url", c.demand.prometheusURL)
        c.demand.queueDepthQuery = try r.string("demand.prometheus.queueDepthQuery", c.demand.queueDepthQuery)
        c.demand.latencyP95Query = try r.string("demand.prometheus.latencyP95Query", c.demand.latencyP95Query)
        c.demand.arrivalRateQuery = try r.string("demand.prometheus.arrivalRateQuery", c.demand.arrivalRateQuery)

        c.local.source = try r.choice("local.source", c.local.source)
        c.local.staticGPUs = try r.int("local.static.gpus", c.local.staticGPUs)
        c.local.staticUsedByOthers = try r.int("local.static.usedByOthers", c.local.staticUsedByOthers)
        c.local.nodeSelector = try r.string("local.nodeSelector", c.local.nodeSelector)
        c.local.workerSelector = try r.string("local.workerSelector", c.local.workerSelector)

        c.kubernetes.enabled = try r.string("kubernetes.enabled", c.kubernetes.enabled)
        c.kubernetes.kubeconfig = try r.string("kubernetes.kubeconfig", c.kubernetes.kubeconfig)
        c.kubernetes.context = try r.string("kubernetes.context", c.kubernetes.context)
        c.kubernetes.pollSeconds = try r.double("kubernetes.pollSeconds", c.kubernetes.pollSeconds, allowZero: false)
        c.kubernetes.leaseName = try r.string("kubernetes.leaderElection.leaseName", c.kubernetes.leaseName)
        c.kubernetes.leaseNamespace = try r.string("kubernetes.leaderElection.namespace", c.kubernetes.leaseNamespace)
        c.kubernetes.leaseDurationSeconds = try r.double(
            "kubernetes.leaderElection.leaseDurationSeconds", c.kubernetes.leaseDurationSeconds, allowZero: false)
        c.kubernetes.renewDeadlineSeconds = try r.double(
            "kubernetes.leaderElection.renewDeadlineSeconds", c.kubernetes.renewDeadlineSeconds, allowZero: false)
        c.kubernetes.retryPeriodSeconds = try r.double(
            "kubernetes.leaderElection.retryPeriodSeconds", c.kubernetes.retryPeriodSeconds, allowZero: false)
        c.kubernetes.identity = try r.string("kubernetes.leaderElection.identity", c.kubernetes.identity)

        c.attach.privateKeyFile = try r.string("attach.privateKeyFile", c.attach.privateKeyFile)

        c.log.level = try r.string("log.level", c.log.level)
        c.log.format = try r.string("log.format", c.log.format)
        c.dryRun = try r.bool("dryRun", c.dryRun)

        c.poolDefaults.templateId = try r.string("pools.template.templateId", c.poolDefaults.templateId)
        c.poolDefaults.networkVolumeId = try r.string(
            "pools.template.networkVolumeId", c.poolDefaults.networkVolumeId)
        c.poolDefaults.gpuTypeId = try r.string("pools.template.gpuTypeId", c.poolDefaults.gpuTypeId)
        var pools: [PoolDraft] = []
        for index in 0..<(try r.count("pools")) {
            pools.append(try readPool(&r, at: "pools[\(index)]"))
        }
        return (c, pools)
    }

    /// The `pools[]` entry at `p` as written; `PoolDraft.validated` fills the
    /// defaults and checks it, as for a RunPodPool object.
    static func readPool(_ r: inout ConfigReader, at p: String) throws(ConfigError) -> PoolDraft {
        var pool = PoolDraft()
        pool.name = try r.string("\(p).name")
        pool.namespace = try r.string("\(p).namespace")
        if let (text, origin) = try r.raw("\(p).maxCostPerHour") {
            if text.isEmpty {
                pool.maxCostPerHour = .unlimited
            } else {
                guard let cost = Double(text) else {
                    throw ConfigError(
                        origin: origin, key: "\(p).maxCostPerHour",
                        reason: "expected a positive number of USD, got \"\(text)\"")
                }
                pool.maxCostPerHour = .usdPerHour(cost)
            }
        }

        // The reader moves into the fields and back (swap, not copy): a copy would give every pool its own
        // copy of the set of keys read so far, quadratic in pools.
        var fields = ConfigPoolFields(reader: ConfigReader(file: r.file, root: nil, overrides: [:]), prefix: p)
        swap(&r, &fields.reader)
        defer { swap(&r, &fields.reader) }
        try pool.readSharedFields(from: &fields)
        return pool
    }

    // MARK: Validation

    private static func validate(_ c: AutoscalerConfig) throws(ConfigError) {
        let o = c.origin
        try validateAddress(c.grpc.listen, key: "grpc.listen", origin: o)
        try validateAddress(c.http.listen, key: "http.listen", origin: o)
        try validateAddress(c.runpod.emulatorListen, key: "runpod.emulator.listen", origin: o)
        try validateRunPodEndpoint(c)
        if !c.runpod.podNamePrefix.isEmpty, !ScalerMetadata.isDNSLabel(c.runpod.podNamePrefix) {
            throw ConfigError(origin: o, key: "runpod.podNamePrefix", reason: "must be lowercase [a-z0-9-]")
        }
        if c.grpc.certFile.isEmpty != c.grpc.keyFile.isEmpty {
            throw ConfigError(origin: o, key: "grpc.tls", reason: "certFile and keyFile must be set together")
        }
        if !c.grpc.clientCAFile.isEmpty && c.grpc.certFile.isEmpty {
            throw ConfigError(origin: o, key: "grpc.tls.clientCAFile", reason: "mTLS needs certFile and keyFile too")
        }
        if !["auto", "true", "false"].contains(c.kubernetes.enabled) {
            throw ConfigError(
                origin: o, key: "kubernetes.enabled",
                reason: "expected auto, true or false, got \"\(c.kubernetes.enabled)\"")
        }
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(c.log.level) {
            throw ConfigError(origin: o, key: "log.level", reason: "unknown level \"\(c.log.level)\"")
        }
        if !["text", "json"].contains(c.log.format) {
            throw ConfigError(origin: o, key: "log.format", reason: "expected text or json, got \"\(c.log.format)\"")
        }
        if c.local.staticUsedByOthers > c.local.staticGPUs {
            throw ConfigError(
                origin: o, key: "local.static.usedByOthers",
                reason: "cannot exceed local.static.gpus (\(c.local.staticGPUs))")
        }
        if c.demand.staleAfterSeconds <= c.demand.pollSeconds {
            throw ConfigError(
                origin: o, key: "demand.staleAfterSeconds",
                reason:
                    "must be greater than demand.pollSeconds (\(c.demand.pollSeconds)), or every reading goes stale before the next"
            )
        }
        if c.demand.source == .prometheus {
            let url = c.demand.prometheusURL
            if !url.hasPrefix("http://") && !url.hasPrefix("https://") {
                throw ConfigError(
                    origin: o, key: "demand.prometheus.url", reason: "expected an http(s):// URL, got \"\(url)\"")
            }
            if c.demand.queueDepthQuery.isEmpty {
                throw ConfigError(origin: o, key: "demand.prometheus.queueDepthQuery", reason: "is required")
            }
        }
        if c.demand.source == .file && c.demand.filePath.isEmpty {
            throw ConfigError(origin: o, key: "demand.file.path", reason: "is required with demand.source: file")
        }
        if c.local.source == .kubernetes && !c.kubernetes.active {
            throw ConfigError(
                origin: o, key: "local.source",
                reason: "kubernetes needs a cluster: run in one, set $KUBECONFIG or kubernetes.kubeconfig")
        }
        for (key, selector) in [
            ("local.nodeSelector", c.local.nodeSelector), ("local.workerSelector", c.local.workerSelector),
        ] {
            do {
                _ = try LabelSelector(selector)
            } catch {
                throw ConfigError(origin: o, key: key, reason: error.reason)
            }
        }
        if c.kubernetes.renewDeadlineSeconds >= c.kubernetes.leaseDurationSeconds {
            throw ConfigError(
                origin: o, key: "kubernetes.leaderElection.renewDeadlineSeconds",
                reason: "must be shorter than leaseDurationSeconds, or two leaders could act at once")
        }
    }

    /// The pools, checked and with their defaults, as for RunPodPool objects;
    /// errors name the entry: `pools[1].template.clouds`.
    private static func validated(_ drafts: [PoolDraft], config c: AutoscalerConfig) throws(ConfigError)
        -> [PoolSpec]
    {
        if drafts.isEmpty && !c.kubernetes.active {
            throw ConfigError(
                origin: c.origin, key: "pools",
                reason: "at least one pool is required in standalone mode (Kubernetes mode reads RunPodPool objects)")
        }
        var pools: [PoolSpec] = []
        for (index, draft) in drafts.enumerated() {
            let pool: PoolSpec
            do {
                pool = try draft.validated(defaults: c.poolDefaults)
            } catch {
                throw ConfigError(origin: c.origin, key: "pools[\(index)].\(error.field)", reason: error.reason)
            }
            guard !pools.contains(where: { $0.id == pool.id }) else {
                throw ConfigError(
                    origin: c.origin, key: "pools[\(index)].name", reason: "pool \(pool.id) is defined twice")
            }
            pools.append(pool)
        }
        return pools
    }

    /// The API key goes wherever RunPod is reached: over https, or over plain http to this machine only.
    private static func validateRunPodEndpoint(_ c: AutoscalerConfig) throws(ConfigError) {
        // `serve`, `check` and `pods` dial the emulator at its listen address (a wildcard as loopback); it is
        // checked even when runpod.endpoint is not "emulator", since `main` falls back to it without a key.
        let host = ListenAddress.dialHost(of: c.runpod.emulatorListen)
        guard URLAuthority("http://\(host)/")?.isLoopback == true else {
            throw ConfigError(
                origin: c.origin, key: "runpod.emulator.listen",
                reason:
                    "the emulator is reached over plain http with the API key: listen on loopback (127.0.0.0/8, ::1, localhost) or a wildcard (0.0.0.0, [::]), not \(host)"
            )
        }
        let endpoint = c.runpod.endpoint
        if c.runpod.usesEmulator { return }
        // Schemes are case-insensitive: HTTP://evil.com is plain http too.
        guard endpoint.lowercased().hasPrefix("https://") || endpoint.lowercased().hasPrefix("http://") else {
            throw ConfigError(
                origin: c.origin, key: "runpod.endpoint",
                reason: "expected an http(s):// URL or \"emulator\", got \"\(endpoint)\"")
        }
        if let reason = CleartextPolicy.refusal(for: endpoint, credential: "the RunPod API key") {
            throw ConfigError(origin: c.origin, key: "runpod.endpoint", reason: reason)
        }
    }

    private static func validateAddress(_ address: String, key: String, origin: String) throws(ConfigError) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
            (0...65535).contains(port), colon != address.startIndex
        else {
            throw ConfigError(origin: origin, key: key, reason: "expected host:port, got \"\(address)\"")
        }
    }
}
