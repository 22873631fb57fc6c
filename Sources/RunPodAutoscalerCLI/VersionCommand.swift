import ArgumentParser

/// `version`: the release of this binary.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("runpod-autoscaler \(BuildInfo.version)")
    }
}
