import ArgumentParser

/// `runpod-autoscaler`: the KEDA external scaler and RunPod reconciler.
@main
struct RunPodAutoscalerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runpod-autoscaler",
        abstract: "KEDA external scaler for RunPod GPU burst capacity.",
        version: BuildInfo.version,
        subcommands: [
            ServeCommand.self, CheckCommand.self, PodsCommand.self, DrainCommand.self, EmulatorCommand.self,
            VersionCommand.self, ConfigReferenceCommand.self, SimulateCommand.self,
        ]
    )

    /// `serve` catches SIGTERM and SIGINT before anything else runs (even
    /// argument parsing), so a stop at any moment of start-up is a clean stop.
    /// Before this line the two are blocked (CGRPCShim's pre-init function,
    /// for `serve` only): one sent earlier waits, it is not lost.
    static func main() async {
        if CommandLine.arguments.dropFirst().first == "serve" { StopSignals.install(ServeCommand.stop) }
        await main(nil)
    }
}
