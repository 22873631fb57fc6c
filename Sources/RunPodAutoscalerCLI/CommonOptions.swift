import ArgumentParser
import Autoscaler
import Foundation
import KubeClient

/// The options every config-reading command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "YAML config file.")
    var config: String?

    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Override a setting, e.g. --set grpc.listen=127.0.0.1:0 (repeatable).", valueName: "key=value"))
    var settings: [String] = []

    @Option(name: .long, help: "trace | debug | info | notice | warning | error | critical")
    var logLevel: String?

    @Option(name: .long, help: "text | json")
    var logFormat: String?

    /// `loadConfig`, and on a bad config the message on stderr and exit code 2.
    func loadConfigOrExit() throws -> AutoscalerConfig {
        do {
            return try loadConfig()
        } catch let error as ConfigError {
            Self.exitInvalid(error)
        }
    }

    /// Prints why the configuration is invalid and exits with code 2.
    static func exitInvalid(_ error: ConfigError) -> Never {
        FileHandle.standardError.write(Data("runpod-autoscaler: invalid configuration: \(error)\n".utf8))
        Foundation.exit(2)
    }

    /// The one place the process environment and the config file are read.
    func loadConfig() throws -> AutoscalerConfig {
        var yaml: String?
        let origin = config ?? "(no config file)"
        if let path = config {
            do {
                yaml = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigError(origin: path, key: "", reason: "cannot read the config file")
            }
        }
        var settings = self.settings
        if let logLevel { settings.append("log.level=\(logLevel)") }
        if let logFormat { settings.append("log.format=\(logFormat)") }
        var loaded = try ConfigLoader.load(
            yaml: yaml, origin: origin, environment: ProcessInfo.processInfo.environment, settings: settings)
        if loaded.runpod.apiKey.isEmpty && !loaded.runpod.apiKeyFile.isEmpty {
            guard let key = try? String(contentsOfFile: loaded.runpod.apiKeyFile, encoding: .utf8) else {
                throw ConfigError(
                    origin: origin, key: "runpod.apiKeyFile", reason: "cannot read \(loaded.runpod.apiKeyFile)")
            }
            loaded.runpod.apiKey = key.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // No key and the default endpoint: the built-in emulator (DESIGN.md); a
        // custom endpoint without a key is a mistake worth stopping for.
        if loaded.runpod.apiKey.isEmpty && !loaded.runpod.usesEmulator {
            guard loaded.runpod.endpoint == AutoscalerConfig.defaults.runpod.endpoint, !loaded.kubernetes.active
            else {
                if loaded.kubernetes.active {
                    throw ConfigError(
                        origin: origin, key: "runpod.apiKeyFile",
                        reason:
                            "no RunPod API key in Kubernetes mode: set RUNPOD_API_KEY (Secret runpod-secrets) or runpod.apiKeyFile; runpod.endpoint: emulator runs without one"
                    )
                }
                throw ConfigError(
                    origin: origin, key: "runpod.apiKeyFile",
                    reason: "no RunPod API key for \(loaded.runpod.endpoint): set RUNPOD_API_KEY or runpod.apiKeyFile")
            }
            loaded.runpod.endpoint = "emulator"
        }
        if loaded.kubernetes.identity.isEmpty {
            loaded.kubernetes.identity =
                "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        }
        return loaded
    }

    /// The cluster to use in Kubernetes mode: in-cluster, or the kubeconfig.
    func kubeConfig(for config: AutoscalerConfig) throws -> KubeConfig? {
        guard config.kubernetes.active else { return nil }
        do {
            if config.kubernetes.inCluster && config.kubernetes.kubeconfig.isEmpty {
                return try KubeConfig.inCluster(environment: ProcessInfo.processInfo.environment)
            }
            return try KubeConfig.kubeconfig(
                path: config.kubernetes.kubeconfig,
                context: config.kubernetes.context.isEmpty ? nil : config.kubernetes.context)
        } catch {
            throw ConfigError(origin: config.origin, key: "kubernetes", reason: "\(error)")
        }
    }
}
