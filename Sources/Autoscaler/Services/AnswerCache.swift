import LibGRPCServer
import Synchronization

/// The answers to recently seen request bytes for one snapshot generation:
/// KEDA sends the same bytes call after call, so a repeat skips the protobuf
/// decode, the metadata parse and the pool lookup. A newer generation empties
/// the cache; it never answers from an older snapshot than the one asked for.
///
/// Bounded whatever clients send: only successful answers to requests of at
/// most `maxRequestBytes` are kept (KEDA's are a few hundred bytes; errors are
/// cheap to recompute and may carry long messages), at most `capacity` of them.
final class AnswerCache: Sendable {
    private struct State {
        var generation = Int.min
        var answers: [[UInt8]: [UInt8]] = [:]
    }

    /// Distinct requests kept per generation; past it the cache starts over
    /// (a client sending endless different bytes cannot grow it).
    let capacity: Int
    /// Longer requests are answered but not kept.
    let maxRequestBytes: Int
    private let state = Mutex(State())

    init(capacity: Int = 2048, maxRequestBytes: Int = 512) {
        self.capacity = capacity
        self.maxRequestBytes = maxRequestBytes
    }

    /// The answer to `request` for the snapshot of `generation`: the cached
    /// one, or `compute()`'s, which is kept unless a newer generation was seen meanwhile.
    func answer(
        _ request: [UInt8], generation: Int, compute: () -> Result<[UInt8], GRPCStatus>
    ) -> Result<[UInt8], GRPCStatus> {
        guard request.count <= maxRequestBytes else { return compute() }
        let cached = state.withLock { state -> [UInt8]? in
            guard state.generation == generation else { return nil }
            return state.answers[request]
        }
        if let cached { return .success(cached) }
        let answer = compute()
        guard case .success(let bytes) = answer else { return answer }
        state.withLock { state in
            if generation > state.generation {
                state.generation = generation
                state.answers.removeAll(keepingCapacity: true)
            }
            guard generation == state.generation else { return }
            if state.answers.count >= capacity { state.answers.removeAll(keepingCapacity: true) }
            state.answers[request] = bytes
        }
        return answer
    }

    /// How many answers the cache holds (for tests).
    var count: Int { state.withLock { $0.answers.count } }
}
