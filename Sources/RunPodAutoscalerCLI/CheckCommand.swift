import ArgumentParser
import Autoscaler
import Foundation

/// `check`: validate the config, print it with secrets redacted, probe the sources.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate the config, print it (secrets redacted) and probe the sources.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config: AutoscalerConfig
        do {
            config = try options.loadConfig()
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("runpod-autoscaler: invalid configuration: \(error)\n".utf8))
            throw ExitCode(2)
        }
        print(ConfigRenderer.render(config), terminator: "")
        print("# probes")
        let probe = await SourceProbe.demand(config)
        print("demand: \(probe.ok ? "OK" : "FAILED") \(probe.detail)")
        if !probe.ok { throw ExitCode(3) }
    }
}
