import ArgumentParser
import Autoscaler
import Foundation

/// `check`: validate the config, print it with secrets redacted, probe the sources.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate the config, print it (secrets redacted) and probe the sources.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config = try options.loadConfigOrExit()
        print(ConfigRenderer.render(config), terminator: "")
        print("# probes")
        var ok = true
        for (name, probe) in [
            ("demand", await SourceProbe.demand(config)), ("runpod", await SourceProbe.runpod(config)),
        ] {
            print("\(name): \(probe.ok ? "OK" : "FAILED") \(probe.detail)")
            ok = ok && probe.ok
        }
        if !ok { throw ExitCode(3) }
    }
}
