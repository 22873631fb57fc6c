import ArgumentParser
import Autoscaler
import Foundation
import Simulation

/// `simulate`: the closed loop on virtual time, every strategy on one trace, as totals, JSON and an HTML report.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a trace in virtual time: cost, SLO minutes and churn of the policy and its comparators.",
        discussion: """
            Runs the real scaling policy and reconcile machine against a virtual RunPod account, second by \
            second, for the configured policy, burst only, local only and the "before" (cloud spot GPUs), \
            next to the fluid lower bound. `--generate NAME` prints a reference trace instead \
            (\(TraceGenerator.referenceNames.joined(separator: ", "))).
            """)

    @Option(name: .long, help: "Trace CSV (seconds,arrivals); see docs/TRACES.md.")
    var trace: String?

    @Option(name: .long, help: "Simulation YAML: the pool and the model (see examples/simulate.yaml).")
    var config: String?

    @Option(name: .long, help: "Write the HTML report here.")
    var report: String?

    @Option(name: .long, help: "Write the result as JSON here.")
    var json: String?

    @Option(name: .long, help: "Seed of every random draw (same trace, config and seed: the same result).")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Print the named reference trace as CSV and exit.")
    var generate: String?

    func run() throws {
        if let generate {
            guard let csv = TraceGenerator.referenceCSV(named: generate, seed: seed) else {
                fail(
                    "no reference trace \"\(generate)\"; known: \(TraceGenerator.referenceNames.joined(separator: ", "))"
                )
            }
            print(csv, terminator: "")
            return
        }
        guard let tracePath = trace, let configPath = config else {
            fail("--trace and --config are required (or --generate NAME)")
        }
        let trace = loadTrace(tracePath)
        let settings = loadSettings(configPath)

        let started = ContinuousClock.now
        let result = Simulator.run(trace: trace, settings: settings, seed: seed)
        let elapsed = ContinuousClock.now - started
        print(SimulationSummary.text(result, elapsed: elapsed), terminator: "")
        if let json { try write(result.jsonData(), to: json) }
        if let report { try write(Data(SimulationReport.render(result).utf8), to: report) }
    }

    private func loadTrace(_ path: String) -> Trace {
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        do {
            return try TraceCSV.parse(read(path), name: name)
        } catch {
            fail("\(path): \(error)")
        }
    }

    private func loadSettings(_ path: String) -> SimulationSettings {
        do {
            return try SimulationConfigLoader.load(yaml: read(path), origin: path)
        } catch {
            CommonOptions.exitInvalid(error)
        }
    }

    private func read(_ path: String) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
        return text
    }

    private func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path))
        } catch {
            fail("cannot write \(path): \(error.localizedDescription)")
        }
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("runpod-autoscaler simulate: \(message)\n".utf8))
        Foundation.exit(2)
    }
}
