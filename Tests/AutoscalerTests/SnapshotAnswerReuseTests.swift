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

    private func spec(_ answers: PoolAnswers) -> [UInt8] { Array(answers.specs[.burst]) }
    private func metrics(_ answers: PoolAnswers) throws -> [UInt8] { try answers.metric(.queueDepth).get() }

    @Test func aTickWithNothingChangedKeepsTheAnswers() throws {
        let store = makeStore(queue: 7)
        let before = try answers(store)
        let generation = store.snapshot.generation
        store.tick(now: Self.t0.addingTimeInterval(1))
        let after = try answers(store)
        #expect(store.snapshot.generation == generation + 1, "a new snapshot all the same")
        #expect(after.specs.sharesStorage(with: before.specs))
        #expect(after.metricBytes.sharesStorage(with: before.metricBytes))
        #expect(address(try after.isActive.get()) == address(try before.isActive.get()))
    }

    /// A build that shows nothing new says so (the store then logs no changes) and keeps the name index; one
    /// with a new value does not.
    @Test func aBuildTellsWhetherItsPoolsAreThePreviousOnes() throws {
        let store = makeStore(queue: 7)
        let inputs = store.inputs
        let now = Self.t0.addingTimeInterval(1)
        let first = SnapshotBuilder.build(inputs: inputs, memory: [:], now: now, generation: 1)
        #expect(!first.poolsUnchanged, "nothing before it")
        // The decision remembers when the pool was last busy: from the second build at the same moment on,
        // the same inputs decide the same.
        let second = SnapshotBuilder.build(
            inputs: inputs, memory: first.memory, now: now, generation: 2, previous: first.snapshot)
        let same = SnapshotBuilder.build(
            inputs: inputs, memory: second.memory, now: now, generation: 3, previous: second.snapshot)
        #expect(same.poolsUnchanged)
        #expect(same.snapshot.pools[Self.pool] === second.snapshot.pools[Self.pool])
        #expect(same.snapshot.knownPools == second.snapshot.knownPools)
        let resolved = try same.snapshot.resolve(
            PoolReference(namespace: nil, name: "burst"), scaledObjectNamespace: "other"
        ).get()
        #expect(resolved.spec.id == Self.pool, "the name index kept from the previous snapshot")

        var deeper = inputs
        deeper.demand.lastGood = DemandReading(queueDepth: 70, latencyP95Seconds: 2, readAt: Self.t0)
        let changed = SnapshotBuilder.build(
            inputs: deeper, memory: same.memory, now: now, generation: 4, previous: same.snapshot)
        #expect(!changed.poolsUnchanged)
        #expect(changed.snapshot.pools[Self.pool] !== same.snapshot.pools[Self.pool])
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
        // The specs do not depend on demand and keep their storage; a metric whose value is the same keeps its
        // bytes in the new metrics' storage.
        #expect(after.specs.sharesStorage(with: before.specs), "the specs depend on the spec alone")
        #expect(!after.metricBytes.sharesStorage(with: before.metricBytes))
        #expect(try after.metric(.localAvailable).get() == before.metric(.localAvailable).get())
        // The answers are what a fresh build gives for the same view.
        let view = try #require(store.snapshot.pools[Self.pool])
        let fresh = SnapshotBuilder.answers(
            for: view.spec, decision: view.decision, unavailable: view.staleSource, values: view.values)
        #expect(try metrics(after) == metrics(fresh))
        #expect(spec(after) == spec(fresh))
        #expect(try after.isActive.get() == fresh.isActive.get())
    }

    @Test func aChangedSpecOrALostSourceEncodesNewAnswers() throws {
        let store = makeStore(queue: 7)
        let before = try answers(store)
        store.update(now: Self.t0.addingTimeInterval(1)) { inputs in
            inputs.pools[0].scaling.jobsPerWorker = 25
        }
        let respecified = try answers(store)
        #expect(!respecified.specs.sharesStorage(with: before.specs))
        #expect(respecified.specs[.queueDepth] != before.specs[.queueDepth], "the queue's target is jobsPerWorker")
        store.update(now: Self.t0.addingTimeInterval(2)) { $0.staleAfterSeconds = 0.5 }
        let stale = try answers(store)
        #expect(throws: GRPCStatus.self) { try stale.isActive.get() }
        #expect(throws: GRPCStatus.self) { try stale.metric(.queueDepth).get() }
    }

    @Test func aTickWithNothingChangedKeepsTheViewsAndTheirTable() throws {
        // An idle queue: with work queued, the decision's memory records each tick as busy (a new view).
        let store = makeStore(queue: 0)
        let before = store.snapshot
        store.tick(now: Self.t0.addingTimeInterval(1))
        let after = store.snapshot
        #expect(after.generation == before.generation + 1)
        #expect(try #require(after.pools[Self.pool]) === #require(before.pools[Self.pool]), "the same object")
        // The same storage, not only an equal table.
        #expect(after.pools.values.map(ObjectIdentifier.init) == before.pools.values.map(ObjectIdentifier.init))
        #expect(after.knownPools == before.knownPools)
        #expect(throws: Never.self) {
            try after.resolve(PoolReference(namespace: nil, name: "burst"), scaledObjectNamespace: "x").get()
        }
    }

    @Test func aNewDecisionMakesANewViewWithTheNewValues() throws {
        let store = makeStore(queue: 7)
        let before = try #require(store.snapshot.pools[Self.pool])
        store.update(now: Self.t0.addingTimeInterval(1)) {
            $0.demand.lastGood = DemandReading(
                queueDepth: 700, latencyP95Seconds: 2, readAt: Self.t0.addingTimeInterval(1))
        }
        let after = try #require(store.snapshot.pools[Self.pool])
        #expect(after !== before)
        #expect(after.values[.queueDepth] == 700)
        #expect(before.values[.queueDepth] == 7, "the old snapshot still shows what it showed")
        #expect(after.decision != before.decision)
    }

    @Test func anAddedPoolGetsItsNameIndexed() throws {
        let store = makeStore(queue: 7)
        let other = PoolID(namespace: "media", name: "other")
        store.update(now: Self.t0.addingTimeInterval(1)) { $0.pools.append(PoolSpec(id: other)) }
        let snapshot = store.snapshot
        #expect(snapshot.knownPools == "media/burst, media/other")
        let found = try snapshot.resolve(PoolReference(namespace: nil, name: "other"), scaledObjectNamespace: "x").get()
        #expect(found.spec.id == other)
    }

    @Test func isActiveAnswersAreSharedByEveryPool() throws {
        let store = makeStore(queue: 700)
        let other = PoolID(namespace: "media", name: "other")
        store.update(now: Self.t0.addingTimeInterval(1)) { $0.pools.append(PoolSpec(id: other)) }
        let a = try #require(store.snapshot.pools[Self.pool]).answers.isActive.get()
        let b = try #require(store.snapshot.pools[other]).answers.isActive.get()
        #expect(a == [0x08, 0x01], "result: true")
        #expect(address(a) == address(b), "one encoding for all pools")
    }
}
