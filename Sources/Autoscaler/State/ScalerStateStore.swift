import Decisions
import Foundation
import Logging
import Synchronization

/// Holds the observers' latest inputs, recomputes the snapshot when they
/// change (or time passes), and tells subscribers. Reading the snapshot takes
/// one short lock; nothing here waits on IO.
public final class ScalerStateStore: Sendable {
    public typealias Subscriber = @Sendable (ScalerSnapshot) -> Void

    private struct State {
        var inputs: ScalerInputs
        var memory: [PoolID: PolicyMemory] = [:]
        var generation = 0
        var subscribers: [Int: Subscriber] = [:]
        var nextSubscriber = 0
    }

    private let state: Mutex<State>
    private let current: Mutex<ScalerSnapshot>
    private let logger: Logger

    public init(inputs: ScalerInputs, now: Date, logger: Logger) {
        let output = SnapshotBuilder.build(inputs: inputs, memory: [:], now: now, generation: 0)
        state = Mutex(State(inputs: inputs, memory: output.memory))
        current = Mutex(output.snapshot)
        self.logger = logger
    }

    /// The latest snapshot.
    public var snapshot: ScalerSnapshot { current.withLock { $0 } }

    /// The inputs as last published, for `/readyz` and tests.
    public var inputs: ScalerInputs { state.withLock { $0.inputs } }

    /// Applies `change` to the inputs and republishes.
    public func update(now: Date, _ change: (inout ScalerInputs) -> Void) {
        republish(now: now, change)
    }

    /// Re-evaluates with the same inputs: time alone moves idle holds and staleness.
    public func tick(now: Date) {
        republish(now: now) { _ in }
    }

    /// Calls `subscriber` with every new snapshot until `unsubscribe`.
    public func subscribe(_ subscriber: @escaping Subscriber) -> Int {
        state.withLock { state in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = subscriber
            return id
        }
    }

    public func unsubscribe(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    private func republish(now: Date, _ change: (inout ScalerInputs) -> Void) {
        let (snapshot, previous, poolsUnchanged, subscribers) = state.withLock { state in
            change(&state.inputs)
            state.generation += 1
            let output = SnapshotBuilder.build(
                inputs: state.inputs, memory: state.memory, now: now, generation: state.generation,
                previous: current.withLock { $0 })
            state.memory = output.memory
            let previous = current.withLock { current in
                defer { current = output.snapshot }
                return current
            }
            return (output.snapshot, previous, output.poolsUnchanged, Array(state.subscribers.values))
        }
        // The same views as before (most seconds' ticks at rest): nothing to log.
        if !poolsUnchanged { logChanges(from: previous, to: snapshot) }
        // Outside the lock: a subscriber may unsubscribe while being called.
        for subscriber in subscribers { subscriber(snapshot) }
    }

    private func logChanges(from old: ScalerSnapshot, to new: ScalerSnapshot) {
        for (id, view) in new.pools {
            let before = old.pools[id]
            if view.servedFrom != before?.servedFrom, let leader = view.servedFrom {
                logger.info("serving the leader's decision", metadata: ["pool": "\(id)", "leader": "\(leader)"])
            } else if let reason = view.ownDecisionReason, before?.ownDecisionReason == nil {
                logger.warning("deciding alone", metadata: ["pool": "\(id)", "reason": "\(reason)"])
            }
            if let decision = view.decision, before?.decision?.burst != decision.burst || before?.decision == nil {
                logger.info(
                    "decision",
                    metadata: [
                        "pool": "\(id)", "burst": "\(decision.burst)", "wanted": "\(decision.wanted)",
                        "active": "\(decision.wantsBurst)", "reason": "\(decision.reason)",
                    ])
            } else if let stale = view.unavailable, before?.unavailable == nil {
                logger.warning("demand unavailable", metadata: ["pool": "\(id)", "reason": "\(stale)"])
            }
        }
    }
}
