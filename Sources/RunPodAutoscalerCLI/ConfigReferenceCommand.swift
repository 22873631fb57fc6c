import ArgumentParser
import Autoscaler

/// `config-reference`: the settings table for the docs.
struct ConfigReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-reference", abstract: "Print every setting as a Markdown table.")

    func run() {
        print(ConfigReference.markdownTable())
    }
}
