import Primitives
import Synchronization

/// The events a client has recorded, so a repeat raises the stored event's `count` instead of making a new
/// object, as client-go's event correlator does. Bounded: the oldest entries are forgotten first.
final class EventLog: Sendable {
    /// What makes two events the same occurrence.
    struct Key: Hashable, Sendable {
        var involvedObject: JSONValue
        var type: String
        var reason: String
        var action: String
        var message: String
    }

    /// A stored event.
    struct Entry: Sendable {
        var name: String
        var namespace: String
        var count: Int
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var order: [Key] = []
        var lastNanoseconds: Int64 = 0
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    /// The stored event for `key` with its count already raised by one, or nil when there is none.
    func nextOccurrence(of key: Key) -> Entry? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            entry.count += 1
            state.entries[key] = entry
            return entry
        }
    }

    /// Remembers the event stored for `key`.
    func remember(_ entry: Entry, for key: Key) {
        state.withLock { state in
            if state.entries.updateValue(entry, forKey: key) == nil {
                state.order.append(key)
            }
            while state.order.count > capacity {
                state.entries[state.order.removeFirst()] = nil
            }
        }
    }

    /// Forgets the event for `key` (it expired on the server).
    func forget(_ key: Key) {
        state.withLock { state in
            state.entries[key] = nil
            state.order.removeAll { $0 == key }
        }
    }

    /// A name suffix that grows with time and never repeats within this client: nanoseconds since 1970, or one
    /// more than the last suffix handed out.
    func uniqueNanoseconds(now: Int64) -> Int64 {
        state.withLock { state in
            state.lastNanoseconds = max(now, state.lastNanoseconds + 1)
            return state.lastNanoseconds
        }
    }
}
