import Decisions

/// A `[PoolID: Value]` table rebuilt entry by entry, each pool's at most once, that stays the previous
/// table (the same storage) while every entry set is the same as the previous one's, and is copied
/// only at the first entry that differs. The store rebuilds every second: at rest this makes no table
/// at all, where a new one each time churned 230 KB a second at 1,000 pools (the views' and the
/// policy memory's).
struct CopyOnChangeTable<Value> {
    private let previous: [PoolID: Value]
    private let isSame: (Value, Value) -> Bool
    private let capacity: Int
    private var copy: [PoolID: Value]?
    private var setCount = 0

    /// - Parameter capacity: the table's size once copied (the number of pools), reserved at once:
    ///   grown by doubling, a table leaves its smaller predecessors behind as free space.
    init(previous: [PoolID: Value], capacity: Int, isSame: @escaping (Value, Value) -> Bool) {
        self.previous = previous
        self.capacity = capacity
        self.isSame = isSame
    }

    /// `before`: the previous table's entry for `id`, which the caller looks up anyway (for the view to
    /// reuse, the memory to decide from): a pool id's hash is two strings' worth, and the store rebuilds
    /// every second.
    mutating func set(_ id: PoolID, _ value: Value, before: Value?) {
        setCount += 1
        if copy == nil {
            if let before, isSame(before, value) { return }
            // The first difference: the entries set so far are the previous table's own.
            var table = previous
            table.reserveCapacity(capacity)
            copy = table
        }
        copy?[id] = value
    }

    /// Whether `finish` will give the previous table itself: nothing differed and every entry was set again.
    var isUnchanged: Bool { copy == nil && previous.count == setCount }

    /// The table: the previous one itself when nothing differed and every entry was set again.
    /// - Parameter pools: the pools configured now; entries of others are dropped (a pool removed).
    mutating func finish(pools: [PoolSpec]) -> [PoolID: Value] {
        let table = copy ?? previous
        copy = nil
        // Every entry was set again: nothing to drop (the usual case, so no set of pools is made).
        guard table.count != setCount else { return table }
        let configured = Set(pools.map(\.id))
        var kept = [PoolID: Value](minimumCapacity: capacity)
        for (id, value) in table where configured.contains(id) { kept[id] = value }
        return kept
    }
}

extension CopyOnChangeTable where Value: AnyObject {
    /// Objects are the same while they are the very same objects.
    init(previous: [PoolID: Value], capacity: Int) {
        self.init(previous: previous, capacity: capacity) { $0 === $1 }
    }
}

extension CopyOnChangeTable where Value: Equatable {
    /// Values are the same while they are equal.
    init(previous: [PoolID: Value], capacity: Int) {
        self.init(previous: previous, capacity: capacity, isSame: ==)
    }
}
