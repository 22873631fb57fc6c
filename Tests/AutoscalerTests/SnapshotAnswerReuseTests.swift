import Decisions
import Foundation
import LibGRPCServer
import Logging
import Testing

@testable import Autoscaler

/// The store rebuilds every pool's snapshot every second: a pool whose answers would be the same bytes keeps the
/// previous snapshot's (the same storage), and any input an answer depends on makes new ones.
@Suite struct SnapshotAnswerReuseTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let pool = PoolID(namespace: "media", name: "burst")

    private func makeStore(queue: Int) -> ScalerStateStore {
        var demand = SourceStatus(name: "file", location: "/tmp/demand.json")
        demand.lastGood = DemandReading(queueDepth: queue, latencyP95Seconds: 2, readAt: Self.t0)
        let inputs = ScalerInputs(
            pools: [PoolSpec(id: Self.pool)], demand: demand, local: LocalCapacity(gpus: 4, usedByOthers: 0),
            staleAfterSeconds: 120)
        return ScalerStateStore(inputs: inputs, now: Self.t0, logger: Logger(label: "test"))
    }

    private func answers(_ store: ScalerStateStore) throws -> PoolAnswers {
        try #require(store.snapshot.pools[Self.pool]).answers
    }

    /// Where an answer's bytes live: the same address means the same storage, not only equal bytes.
    private func address(_ bytes: [UInt8]) -> UnsafeRawPointer? {
        bytes.withUnsafeBytes { $0.baseAddress }
    }

    private func spec(_ answers: PoolAnswers) throws -> [UInt8] { try #require(answers.specs[.burst]) }
    private func metrics(_ answers: PoolAnswers) throws -> [UInt8] { try #require(answers.metrics[.queueDepth]).get() }

    @Test func aTickWithNothingChangedKeepsTheAnswers() throws {
        let store = makeStore(queue: 7)
        let before = try answers(store)
        let generation = store.snapshot.generation
        store.tick(now: Self.t0.addingTimeInterval(1))
        let after = try answers(store)
        #expect(store.snapshot.generation == generation + 1, "a new snapshot all the same")
        #expect(address(try spec(after)) == address(try spec(before)))
        #expect(address(try metrics(after)) == address(try metrics(before)))
        #expect(address(try after.isActive.get()) == address(try before.isActive.get()))
    }

    @Test func aNewValueEncodesNewAnswers() throws {
        let store = makeStore(queue: 7)
        let before = try answers(store)
        store.update(now: Self.t0.addingTimeInterval(1)) {
            $0.demand.lastGood = DemandReading(
                queueDepth: 70, latencyP95Seconds: 2, readAt: Self.t0.addingTimeInterval(1))
        }
        let after = try answers(store)
        #expect(try metrics(after) != metrics(before), "the queue depth's answer has the new value")
        // The answers are what a fresh build gives for the same view.
        let view = try #require(store.snapshot.pools[Self.pool])
        let fresh = SnapshotBuilder.answers(
            for: view.spec, decision: view.decision, unavailable: view.unavailable, values: view.values)
        #expect(try metrics(after) == metrics(fresh))
        #expect(try spec(after) == spec(fresh))
        #expect(try after.isActive.get() == fresh.isActive.get())
    }

    @Test func aChangedSpecOrALostSourceEncodesNewAnswers() throws {
        let store = makeStore(queue: 7)
        let before = try answers(store)
        store.update(now: Self.t0.addingTimeInterval(1)) { inputs in
            inputs.pools[0].scaling.jobsPerWorker = 25
        }
        let respecified = try answers(store)
        #expect(address(try spec(respecified)) != address(try spec(before)))
        #expect(respecified.specs[.queueDepth] != before.specs[.queueDepth], "the queue's target is jobsPerWorker")
        store.update(now: Self.t0.addingTimeInterval(2)) { $0.staleAfterSeconds = 0.5 }
        let stale = try answers(store)
        #expect(throws: GRPCStatus.self) { try stale.isActive.get() }
        #expect(throws: GRPCStatus.self) { try stale.metrics[.queueDepth]?.get() }
    }
}
