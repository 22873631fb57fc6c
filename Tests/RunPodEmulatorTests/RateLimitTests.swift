import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct RateLimitTests {
    @Test func everyAnswerCarriesThePolicyAndWhatIsLeft() async throws {
        let harness = EmulatorHarness { $0.rateLimitPerMinute = 3 }
        try await harness.run { client async throws in
            let first = try await client.send(.get, "/v2/pods")
            #expect(first.status == 200)
            #expect(first.header("RateLimit-Policy") == #""default";q=3;w=60"#)
            #expect(first.header("RateLimit") == #""default";r=2;t=60"#)
            harness.clock.advance(10)
            let created = try await client.create()
            #expect(created.status == 201)
            #expect(created.header("RateLimit") == #""default";r=1;t=50"#)
            // Errors carry the headers too.
            let missing = try await client.send(.get, "/v2/pods/nope")
            #expect(missing.status == 404)
            #expect(missing.header("RateLimit") == #""default";r=0;t=50"#)
        }
    }

    @Test func overTheQuotaAnswers429WithRetryAfterUntilTheWindowResets() async throws {
        let harness = EmulatorHarness { $0.rateLimitPerMinute = 2 }
        try await harness.run { client async throws in
            #expect(try await client.send(.get, "/v2/pods").status == 200)
            #expect(try await client.send(.get, "/v2/pods").status == 200)
            harness.clock.advance(15.5)
            let refused = try await client.send(.get, "/v2/pods")
            #expect(refused.status == 429)
            #expect(refused.header("Retry-After") == "45")
            #expect(refused.header("RateLimit") == #""default";r=0;t=45"#)
            #expect(refused.header("RateLimit-Policy") == #""default";q=2;w=60"#)
            harness.clock.advance(44.5)
            let next = try await client.send(.get, "/v2/pods")
            #expect(next.status == 200)
            #expect(next.header("RateLimit") == #""default";r=1;t=60"#)
            let state = try await client.send(.get, "/admin/state")
            #expect(state.json?["rateLimited"]?.int == 1)
            #expect(state.json?["calls"]?["list"]?.int == 4)
        }
    }

    @Test func withoutALimitNoHeadersAndNo429() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            for _ in 0..<100 {
                let reply = try await client.send(.get, "/v2/pods")
                #expect(reply.status == 200)
                #expect(reply.header("RateLimit") == nil)
            }
            #expect(try await client.send(.get, "/admin/state").json?["rateLimited"]?.int == 0)
        }
    }

    @Test func theLimitIsReadFromTheConfigFile() throws {
        #expect(try EmulatorConfiguration.load(yaml: "rateLimitPerMinute: 60\n", origin: "t").rateLimitPerMinute == 60)
        #expect(try EmulatorConfiguration.load(yaml: "rateLimitPerMinute: 0\n", origin: "t").rateLimitPerMinute == nil)
        let short = try EmulatorConfiguration.load(
            yaml: "rateLimitPerMinute: 60\nrateLimitWindowSeconds: 6\n", origin: "t")
        #expect(short.rateLimitWindowSeconds == 6)
        #expect(
            RateLimitWindow(limit: 60, windowSeconds: short.rateLimitWindowSeconds).policyHeader
                == #""default";q=60;w=6"#)
        #expect(throws: EmulatorConfigurationError.self) {
            try EmulatorConfiguration.load(yaml: "rateLimitPerMinute: -1\n", origin: "t")
        }
    }
}
