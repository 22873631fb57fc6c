import Decisions
import Foundation
import Primitives
import Testing

@testable import Simulation

/// The reconcile machine's fault soak: 1,000 seeded sequences of RunPod
/// faults, restarts, leadership changes, catalog changes and demand jumps,
/// with the caps, the no-duplicate rules and convergence checked after every
/// call (docs/RELIABILITY.md). A failing seed prints its trace and the command
/// that replays it.
@Suite struct ReconcileSoakTests {
    static let sequences: UInt64 = 1000
    static let batches: UInt64 = 10

    @Test(arguments: 0..<batches)
    func aThousandFaultSequencesKeepEveryInvariant(batch: UInt64) async {
        let started = ContinuousClock.now
        var faults: [SoakCall: [SoakFault: Int]] = [:]
        var events: [SoakEvent: Int] = [:]
        var calls: [SoakCall: Int] = [:]
        var noCapacity = 0
        var notFound = 0
        for seed in stride(from: batch, to: Self.sequences, by: Int(Self.batches)) {
            let result = ReconcileSoak.run(seed: seed)
            if let violation = result.violation {
                Issue.record(Comment(rawValue: Self.report(seed: seed, violation: violation)))
            }
            for (call, kinds) in result.faults {
                for (fault, count) in kinds { faults[call, default: [:]][fault, default: 0] += count }
            }
            for (event, count) in result.events { events[event, default: 0] += count }
            for (call, count) in result.calls { calls[call, default: 0] += count }
            noCapacity += result.noCapacityAnswers
            notFound += result.notFoundAnswers
            // Seconds of CPU per batch: let the other tests' tasks have the shared threads in between.
            await Task.yield()
        }
        // Every batch of 100 sequences met every fault of every call and every event.
        for call in SoakCall.allCases {
            #expect(calls[call, default: 0] > 0, "no \(call) call made")
            for fault in call.faults {
                #expect(faults[call]?[fault] ?? 0 > 0, "\(call) never failed with \(fault)")
            }
        }
        for event in SoakEvent.allCases {
            #expect(events[event, default: 0] > 0, "\(event) never happened")
        }
        #expect(noCapacity > 0, "no create found its offering full")
        #expect(notFound > 0, "no terminate found its pod gone")
        let lost = (faults[.create]?[.lostAfterRunPod] ?? 0) + (faults[.create]?[.lostBeforeRunPod] ?? 0)
        print(
            "soak batch \(batch): \(Self.sequences / Self.batches) sequences in \(ContinuousClock.now - started); "
                + "calls \(SoakCall.allCases.map { "\($0) \(calls[$0, default: 0])" }.joined(separator: ", ")); "
                + "creates with a lost answer \(lost), events \(events.values.reduce(0, +))")
    }

    /// The violation, the command that replays the seed, and the end of its trace.
    static func report(seed: UInt64, violation: String) -> String {
        var options = ReconcileSoak.Options()
        options.trace = true
        let traced = ReconcileSoak.run(seed: seed, options: options)
        return "seed \(seed): \(violation)\nreplay: \(traced.replay)\n"
            + traced.trace.suffix(120).joined(separator: "\n")
    }

    /// `RPA_SOAK_SEED=N swift test --filter ReconcileSoakTests/replay` prints
    /// seed N's whole trace; without it, seed 42's. Either way the replay is exact.
    @Test func replay() {
        let requested = ProcessInfo.processInfo.environment["RPA_SOAK_SEED"].flatMap { UInt64($0) }
        let seed = requested ?? 42
        var options = ReconcileSoak.Options()
        options.trace = true
        let traced = ReconcileSoak.run(seed: seed, options: options)
        let again = ReconcileSoak.run(seed: seed, options: options)
        let untraced = ReconcileSoak.run(seed: seed)
        if requested != nil { print(traced.trace.joined(separator: "\n")) }
        #expect(traced.trace == again.trace, "the same seed gives the same sequence")
        #expect(traced.trace.count > 250, "a line per step and per call")
        #expect(untraced.trace.isEmpty)
        #expect(untraced.violation == traced.violation && untraced.calls == traced.calls, "tracing changes nothing")
        #expect(untraced.events == traced.events && untraced.virtualSeconds == traced.virtualSeconds)
        #expect(traced.violation == nil, "\(traced.violation ?? "")")
    }

    /// The checks are not vacuous: an executor that feeds a failed terminate back as a success leaves pods
    /// billing that the machine no longer counts, and the soak says so with the seed.
    @Test func anExecutorThatHidesFailedTerminatesIsCaught() {
        var options = ReconcileSoak.Options()
        options.mutation = .terminateFailuresReportedAsSuccess
        let results = (0..<40).map { ReconcileSoak.run(seed: $0, options: options) }
        let caught = results.filter { $0.violation != nil }
        #expect(caught.count >= 10, "\(caught.count) of 40 sequences caught it")
        #expect(caught.allSatisfy { $0.replay.contains("RPA_SOAK_SEED=\($0.seed) ") })
    }
}
