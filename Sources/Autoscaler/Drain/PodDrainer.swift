import Decisions
import Foundation
import RunPodAPI

/// Runs a `DrainMachine` against RunPod: makes the call each step names,
/// feeds the answer back, sleeps through waits. Clock and sleep are injected
/// so tests run it on a manual clock.
public struct PodDrainer: Sendable {
    let provider: any PodProvider
    let now: @Sendable () -> Date
    let sleep: @Sendable (Double) async -> Void
    /// One line per retry or pause, for the operator waiting on stderr.
    let progress: @Sendable (String) -> Void

    public init(
        provider: any PodProvider, now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Double) async -> Void = { seconds in
            try? await Task.sleep(for: .milliseconds(Int64(max(0, seconds) * 1000)))
        },
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.provider = provider
        self.now = now
        self.sleep = sleep
        self.progress = progress
    }

    /// Drains until the machine finishes; returns how it ended and every selected pod.
    public func run(_ settings: DrainMachine.Settings) async -> (outcome: DrainOutcome, targets: [DrainTarget]) {
        var machine = DrainMachine(settings: settings)
        var step = machine.start(now: now())
        while true {
            switch step {
            case .finished(let outcome):
                return (outcome, machine.targets)
            case .wait(let until):
                await sleep(until.timeIntervalSince(now()))
                step = machine.resume(now: now())
            case .list:
                let event: DrainEvent
                do {
                    event = .listed(try await provider.listPods().map(\.observed))
                } catch {
                    progress("listing pods failed: \(error.reconcileFailure)")
                    event = .listFailed(error.reconcileFailure)
                }
                step = machine.handle(event, now: now())
            case .terminate(let id):
                let event: DrainEvent
                do {
                    try await provider.deletePod(id: id)
                    event = .terminated
                } catch {
                    let name = machine.targets.first { $0.id == id }?.name ?? "?"
                    progress("terminating \(id) (\(name)) failed: \(error.reconcileFailure); will retry")
                    event = .terminateFailed(error.reconcileFailure)
                }
                step = machine.handle(event, now: now())
            }
        }
    }
}
