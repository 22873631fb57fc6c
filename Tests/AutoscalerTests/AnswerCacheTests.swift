import Decisions
import Foundation
import LibGRPCServer
import ScalerProtos
import Synchronization
import Testing

@testable import Autoscaler

/// The unary answer cache: a repeat of the same bytes for the same snapshot
/// generation is answered without recomputing; a new snapshot empties it.
@Suite struct AnswerCacheTests {
    private func answer(
        _ cache: AnswerCache, _ request: [UInt8], generation: Int, value: UInt8, calls: borrowing Mutex<Int>
    )
        -> Result<[UInt8], GRPCStatus>
    {
        cache.answer(request, generation: generation) {
            calls.withLock { $0 += 1 }
            return .success([value])
        }
    }

    @Test func aRepeatForTheSameGenerationIsAnsweredFromTheCache() throws {
        let cache = AnswerCache()
        let calls = Mutex(0)
        #expect(try answer(cache, [1, 2, 3], generation: 7, value: 10, calls: calls).get() == [10])
        #expect(try answer(cache, [1, 2, 3], generation: 7, value: 99, calls: calls).get() == [10])
        #expect(calls.withLock { $0 } == 1)
        #expect(try answer(cache, [1, 2, 4], generation: 7, value: 11, calls: calls).get() == [11])
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func aNewGenerationInvalidatesEveryAnswer() throws {
        let cache = AnswerCache()
        let calls = Mutex(0)
        _ = answer(cache, [1], generation: 1, value: 10, calls: calls)
        _ = answer(cache, [2], generation: 1, value: 20, calls: calls)
        #expect(cache.count == 2)
        #expect(try answer(cache, [1], generation: 2, value: 11, calls: calls).get() == [11])
        #expect(cache.count == 1, "the generation-1 answers are gone")
        #expect(try answer(cache, [2], generation: 2, value: 21, calls: calls).get() == [21])
        #expect(calls.withLock { $0 } == 4)
    }

    @Test func anOlderGenerationIsComputedButNeverCached() throws {
        let cache = AnswerCache()
        let calls = Mutex(0)
        _ = answer(cache, [1], generation: 5, value: 50, calls: calls)
        // A handler still holding snapshot 4 gets its own answer, and the cache keeps generation 5's.
        #expect(try answer(cache, [1], generation: 4, value: 40, calls: calls).get() == [40])
        #expect(try answer(cache, [1], generation: 5, value: 0, calls: calls).get() == [50])
        #expect(calls.withLock { $0 } == 2)
    }

    @Test func errorsAndLongRequestsAreAnsweredButNotKept() {
        let cache = AnswerCache(capacity: 8, maxRequestBytes: 4)
        var calls = 0
        for _ in 0..<2 {
            let answer = cache.answer([9], generation: 1) {
                calls += 1
                return .failure(GRPCStatus(.notFound, "unknown pool"))
            }
            if case .failure(let status) = answer { #expect(status.code == .notFound) } else { Issue.record("ok?") }
        }
        #expect(calls == 2)
        for _ in 0..<2 {
            _ = cache.answer([1, 2, 3, 4, 5], generation: 1) {
                calls += 1
                return .success([1])
            }
        }
        #expect(calls == 4)
        #expect(cache.count == 0)
    }

    @Test func theCacheStartsOverAtCapacity() {
        let cache = AnswerCache(capacity: 3)
        let calls = Mutex(0)
        for byte in UInt8(0)..<3 { _ = answer(cache, [byte], generation: 1, value: byte, calls: calls) }
        #expect(cache.count == 3)
        _ = answer(cache, [3], generation: 1, value: 3, calls: calls)
        #expect(cache.count == 1)
    }

    /// The service end to end: the same request bytes before and after the
    /// store publishes a new snapshot get the new snapshot's answer.
    @Test func theServiceAnswersTheSameBytesFromTheNewSnapshot() throws {
        let store = ExternalScalerServiceTests.makeStore(queue: 95)
        let service = ExternalScalerService(store: store)
        let request = ExternalScalerServiceTests.metricsRequest(["pool": "burst"], name: "x")
        let isActive = ExternalScalerServiceTests.ref(["pool": "burst"])
        func value() throws -> Int64 {
            try Externalscaler_GetMetricsResponse(serializedBytes: service.getMetrics(request).get())
                .metricValues[0].metricValue
        }
        #expect(try value() == 6)
        #expect(try value() == 6)
        #expect(service.metricsAnswers.count == 1)
        #expect(try Externalscaler_IsActiveResponse(serializedBytes: service.isActive(isActive).get()).result)

        store.update(now: ExternalScalerServiceTests.t0.addingTimeInterval(1)) {
            $0.demand.lastGood = DemandReading(
                queueDepth: 0, latencyP95Seconds: 0, readAt: ExternalScalerServiceTests.t0.addingTimeInterval(1))
        }
        #expect(try value() == 0, "a new snapshot: the cached 6 is not served")
        #expect(try !Externalscaler_IsActiveResponse(serializedBytes: service.isActive(isActive).get()).result)

        store.tick(now: ExternalScalerServiceTests.t0.addingTimeInterval(2))
        #expect(try value() == 0)
        #expect(service.metricsAnswers.count == 1)
    }
}
