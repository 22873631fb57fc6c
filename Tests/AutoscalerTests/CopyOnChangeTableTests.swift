import Decisions
import Testing

@testable import Autoscaler

/// The rebuilt table is the previous one itself until an entry differs, then a copy with the change.
@Suite struct CopyOnChangeTableTests {
    static let a = PoolID(namespace: "media", name: "a")
    static let b = PoolID(namespace: "media", name: "b")
    static let c = PoolID(namespace: "media", name: "c")
    static let pools = [a, b, c].map { PoolSpec(id: $0) }

    /// A dictionary is one reference to its storage: the same reference is the same table, not an equal copy.
    private func address(_ table: [PoolID: Int]) -> UnsafeRawPointer {
        unsafeBitCast(table, to: UnsafeRawPointer.self)
    }

    @Test func theSameEntriesGiveThePreviousTableItself() {
        let previous = [Self.a: 1, Self.b: 2, Self.c: 3]
        var table = CopyOnChangeTable(previous: previous, capacity: 3)
        for (id, value) in [(Self.a, 1), (Self.b, 2), (Self.c, 3)] { table.set(id, value, before: previous[id]) }
        let built = table.finish(pools: Self.pools)
        #expect(built == previous)
        #expect(address(built) == address(previous), "the same storage")
    }

    @Test func aDifferentEntryGivesACopyWithTheChange() {
        let previous = [Self.a: 1, Self.b: 2, Self.c: 3]
        var table = CopyOnChangeTable(previous: previous, capacity: 3)
        for (id, value) in [(Self.a, 1), (Self.b, 20), (Self.c, 3)] { table.set(id, value, before: previous[id]) }
        let built = table.finish(pools: Self.pools)
        #expect(built == [Self.a: 1, Self.b: 20, Self.c: 3])
        #expect(previous == [Self.a: 1, Self.b: 2, Self.c: 3], "the previous table is left as it was")
        #expect(address(built) != address(previous))
    }

    @Test func aNewEntryAndARemovedPoolAreTold() {
        let previous = [Self.a: 1, Self.b: 2]
        var added = CopyOnChangeTable(previous: previous, capacity: 3)
        for (id, value) in [(Self.a, 1), (Self.b, 2), (Self.c, 3)] { added.set(id, value, before: previous[id]) }
        #expect(added.finish(pools: Self.pools) == [Self.a: 1, Self.b: 2, Self.c: 3])
        // b is no longer configured: its entry goes, though every other entry is the same.
        var removed = CopyOnChangeTable(previous: previous, capacity: 1)
        removed.set(Self.a, 1, before: previous[Self.a])
        #expect(removed.finish(pools: [PoolSpec(id: Self.a)]) == [Self.a: 1])
    }

    @Test func isUnchangedOnlyWhenFinishGivesThePreviousTable() {
        let previous = [Self.a: 1, Self.b: 2, Self.c: 3]
        var same = CopyOnChangeTable(previous: previous, capacity: 3)
        for (id, value) in [(Self.a, 1), (Self.b, 2)] { same.set(id, value, before: previous[id]) }
        #expect(!same.isUnchanged, "c is not set yet")
        same.set(Self.c, 3, before: previous[Self.c])
        #expect(same.isUnchanged)
        #expect(address(same.finish(pools: Self.pools)) == address(previous))

        var changed = CopyOnChangeTable(previous: previous, capacity: 3)
        for (id, value) in [(Self.a, 1), (Self.b, 20), (Self.c, 3)] { changed.set(id, value, before: previous[id]) }
        #expect(!changed.isUnchanged)
    }

    /// An entry the previous table does not have is a change, though every entry it has is the same.
    @Test func anEntryThePreviousTableLacksIsAChange() {
        var added = CopyOnChangeTable(previous: [Self.a: 1], capacity: 2)
        added.set(Self.a, 1, before: 1)
        added.set(Self.b, 2, before: nil)
        #expect(!added.isUnchanged)
        #expect(added.finish(pools: [PoolSpec(id: Self.a), PoolSpec(id: Self.b)]) == [Self.a: 1, Self.b: 2])
    }

    @Test func objectsAreTheSameOnlyWhenIdentical() {
        final class Box: Sendable {}
        let one = Box()
        var table = CopyOnChangeTable(previous: [Self.a: one], capacity: 1)
        table.set(Self.a, Box(), before: one)
        let built = table.finish(pools: [PoolSpec(id: Self.a)])
        #expect(built[Self.a] !== one, "an equal-looking new object is a change")
    }
}
