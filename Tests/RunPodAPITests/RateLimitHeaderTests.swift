import Foundation
import RunPodAPI
import Synchronization
import TestSupport
import Testing

@Suite("The client reads the rate-limit headers of every answer")
struct RateLimitHeaderTests {
    private static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private static func parse(_ headers: [String: String]) -> RunPodRateLimit? {
        let lowered = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
        return RunPodRateLimit.parse(header: { lowered[$0.lowercased()] }, now: now)
    }

    @Test func theIETFFieldsGiveLimitWindowRemainingAndReset() {
        let reading = Self.parse(["RateLimit-Policy": #""default";q=60;w=60"#, "RateLimit": #""default";r=12;t=35"#])
        #expect(
            reading
                == RunPodRateLimit(
                    policy: "default", limit: 60, windowSeconds: 60, remaining: 12, resetSeconds: 35,
                    observedAt: Self.now))
    }

    @Test func ofSeveralPoliciesTheOneWithFewestCallsLeftCounts() {
        let reading = Self.parse([
            "RateLimit-Policy": #""minute";q=60;w=60, "hour";q=3000;w=3600"#,
            "RateLimit": #""minute";r=40;t=20, "hour";r=3;t=1800"#,
        ])
        #expect(reading?.policy == "hour")
        #expect(reading?.limit == 3000)
        #expect(reading?.windowSeconds == 3600)
        #expect(reading?.remaining == 3)
        #expect(reading?.resetSeconds == 1800)
    }

    @Test func theOlderTrioIsReadToo() {
        let reading = Self.parse([
            "RateLimit-Limit": "60, 60;w=60", "RateLimit-Remaining": "7", "RateLimit-Reset": "42",
        ])
        #expect(
            reading
                == RunPodRateLimit(limit: 60, windowSeconds: 60, remaining: 7, resetSeconds: 42, observedAt: Self.now))
    }

    @Test func noOrNonsenseHeadersGiveNothing() {
        #expect(Self.parse([:]) == nil)
        #expect(Self.parse(["RateLimit": #""default";t=5"#]) == nil)
        #expect(Self.parse(["RateLimit-Remaining": "-3"]) == nil)
    }

    @Test func aSuccessfulAnswerUpdatesTheClientsReading() async throws {
        let headers = ["RateLimit-Policy": #""default";q=60;w=60"#, "RateLimit": #""default";r=59;t=60"#]
        try await withFakeRunPod({ _ in .json(200, #"{"pods":[]}"#, headers: headers) }) { client, _, _ in
            #expect(client.rateLimit == nil)
            _ = try await client.listPods()
            let reading = try #require(client.rateLimit)
            #expect(reading.remaining == 59)
            #expect(reading.limit == 60)
            #expect(abs(reading.observedAt.timeIntervalSinceNow) < 60)
        }
    }

    @Test func a429CarriesItsReadingAndRetryAfter() async throws {
        let headers = [
            "Retry-After": "17", "RateLimit-Policy": #""default";q=60;w=60"#, "RateLimit": #""default";r=0;t=17"#,
        ]
        try await withFakeRunPod({ _ in
            .problem(429, title: "Too Many Requests", detail: "rate limit exceeded", headers: headers)
        }) { client, _, _ in
            do {
                _ = try await client.listPods()
                Issue.record("a 429 must throw")
            } catch let error as RunPodError {
                #expect(error.kind == .rateLimited)
                #expect(error.retryAfter == 17)
                #expect(error.rateLimit?.remaining == 0)
                #expect(error.rateLimit?.resetSeconds == 17)
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(client.rateLimit?.remaining == 0)
        }
    }

    @Test func anAnswerWithoutHeadersKeepsTheLastReading() async throws {
        let answered = Atomic(0)
        try await withFakeRunPod({ _ in
            answered.add(1, ordering: .relaxed).oldValue == 0
                ? .json(200, #"{"pods":[]}"#, headers: ["RateLimit": #""default";r=5;t=9"#])
                : .json(200, #"{"pods":[]}"#)
        }) { client, _, _ in
            _ = try await client.listPods()
            _ = try await client.listPods()
            #expect(client.rateLimit?.remaining == 5)
        }
    }
}
