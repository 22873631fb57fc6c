import ArgumentParser
import Autoscaler
import Foundation
import KubeClient

/// `serve`: the scaler, the reconciler and (in Kubernetes mode) the cluster observers, until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve KEDA's external scaler API.",
        discussion: """
            Runs until SIGTERM or SIGINT, which stop it cleanly at any moment, also during start-up.

            Exit codes:
              0  stopped by SIGTERM or SIGINT, every part shut down
              1  a part could not run: a listen address in use (the log names it)
              2  invalid configuration, or a part could not be built (TLS files)
            """)

    /// SIGTERM and SIGINT, caught from the first moment of the process (see
    /// `RunPodAutoscalerCommand.main`), off the cooperative pool: a stop during
    /// start-up is delivered to the runtime once it exists.
    static let stop = StopRelay()

    @OptionGroup var options: CommonOptions

    @Flag(name: .long, help: "Log every intended create and terminate, send none.")
    var dryRun = false

    func run() async throws {
        let stop = Self.stop
        // Before the config's parse, whose freed blocks would otherwise raise glibc's threshold.
        HeapTrimThreshold.fix()

        var settings = options
        if dryRun { settings.settings.append("dryRun=true") }
        let config = try settings.loadConfigOrExit()
        let kube: KubeConfig?
        do {
            kube = try settings.kubeConfig(for: config)
        } catch let error as ConfigError {
            CommonOptions.exitInvalid(error)
        }
        let logger = LogSetup.bootstrap(level: config.log.level, format: config.log.format)
        let runtime: ScalerRuntime
        do {
            runtime = try ScalerRuntime(config: config, kube: kube, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }

        stop.connect { runtime.requestStop() }
        do {
            try await runtime.run()
        } catch {
            logger.critical("cannot serve", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}
