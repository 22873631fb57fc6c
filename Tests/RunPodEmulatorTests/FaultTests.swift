import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct FaultTests {
    @Test func noCapacityAnswersTheExactTextAndOnlyHitsCreates() async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: .noCapacity, count: 1)] }
        try await harness.run { client async throws in
            #expect(try await client.send(.get, "/v2/pods").status == 200)
            let refused = try await client.create()
            #expect(refused.status == 400)
            #expect(refused.detail == Problem.noCapacityDetail)
            #expect(try await client.create().status == 201)
        }
    }

    @Test func noCapacityHonoursTheLegacySetting() async throws {
        let harness = EmulatorHarness {
            $0.legacyNoCapacityErrors = true
            $0.faults = [FaultRule(kind: .noCapacity)]
        }
        try await harness.run { client async throws in
            let refused = try await client.create()
            #expect(refused.status == 500)
            #expect(refused.detail == "create pod: There are no instances currently available")
        }
    }

    @Test func serverErrorDoesNothing() async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: .serverError, operations: ["create"], count: 1)] }
        try await harness.run { client async throws in
            let reply = try await client.create()
            #expect(reply.status == 500)
            #expect(reply.contentType == "application/problem+json")
            #expect(harness.emulator.pods.isEmpty)
        }
    }

    @Test func serverErrorAfterCreateLeavesThePod() async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: .serverErrorAfterCreate, count: 1)] }
        try await harness.run { client async throws in
            let reply = try await client.create(name: "rpa-media-burst-lost")
            #expect(reply.status == 500)
            let pods = try await client.send(.get, "/v2/pods").json?["pods"]
            #expect(pods?.count == 1)
            #expect(pods?[0]?["name"]?.string == "rpa-media-burst-lost")
            #expect(try await client.create().status == 201)
        }
    }

    @Test func serverErrorAfterCreatePassesRealFailuresThrough() async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: .serverErrorAfterCreate)] }
        try await harness.run { client async throws in
            #expect(try await client.send(.post, "/v2/pods", body: "{}").status == 400)
        }
    }

    @Test func rateLimitedCarriesRetryAfterAndRateLimitHeaders() async throws {
        let harness = EmulatorHarness {
            $0.faults = [FaultRule(kind: .rateLimited, operations: ["list"], count: 1, retryAfterSeconds: 2.5)]
        }
        try await harness.run { client async throws in
            let reply = try await client.send(.get, "/v2/pods")
            #expect(reply.status == 429)
            #expect(reply.header("Retry-After") == "3")
            #expect(reply.header("RateLimit")?.hasPrefix(#""minute";r=0;t=3"#) == true)
            #expect(
                reply.header("RateLimit-Policy") == #""minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400"#)
            #expect(reply.json?["title"]?.string == "Too Many Requests")
            #expect(try await client.send(.get, "/v2/pods").status == 200)
        }
    }

    @Test(arguments: [(FaultKind.unauthorized, 401), (.forbidden, 403), (.paymentRequired, 402), (.serverError, 500)])
    func statusFaults(kind: FaultKind, status: Int) async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: kind, count: 1)] }
        try await harness.run { client async throws in
            let reply = try await client.send(.get, "/v2/catalog/gpus")
            #expect(reply.status == status)
            #expect(reply.json?["status"]?.int == status)
            #expect(reply.detail?.isEmpty == false)
            #expect(try await client.send(.get, "/v2/catalog/gpus").status == 200)
        }
    }

    @Test func slowCarriesTheCallOutThenWaits() async throws {
        let harness = EmulatorHarness {
            $0.faults = [FaultRule(kind: .slow, operations: ["create"], delaySeconds: 0.75)]
        }
        try await harness.run { client async throws in
            #expect(try await client.create().status == 201)
            #expect(try await client.send(.get, "/v2/pods").status == 200)
        }
        #expect(harness.sleeps.recorded == [0.75])
        #expect(harness.emulator.pods.count == 1)
    }

    @Test func dropConnectionDoesNothingAndAnswersNothing() {
        // The socket side is in LiveServerTests; here the decision.
        var config = EmulatorConfiguration()
        config.faults = [FaultRule(kind: .dropConnection, count: 1)]
        var core = EmulatorCore(configuration: config)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let body = Array(#"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"}}"#.utf8)
        let dropped = core.handle(EmulatorCall(operation: .create, body: body), now: now)
        #expect(dropped.dropConnection)
        #expect(dropped.fault == .dropConnection)
        #expect(core.state.pods.isEmpty)
        #expect(core.handle(EmulatorCall(operation: .create, body: body), now: now).status == 201)
    }

    @Test func countRemovesTheRuleAfterNHits() async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: .serverError, operations: ["list"], count: 2)] }
        try await harness.run { client async throws in
            #expect(try await client.send(.get, "/v2/pods").status == 500)
            let state = try await client.send(.get, "/admin/state").json
            #expect(state?["faults"]?[0]?["remaining"]?.int == 1)
            #expect(try await client.send(.get, "/v2/catalog/gpus").status == 200)
            #expect(try await client.send(.get, "/v2/pods").status == 500)
            #expect(try await client.send(.get, "/v2/pods").status == 200)
            #expect(try await client.send(.get, "/admin/state").json?["faults"]?.count == 0)
        }
    }

    @Test func shareHitsAboutThatFractionReproducibly() async throws {
        func pattern(seed: UInt64) async throws -> [Int] {
            let harness = EmulatorHarness {
                $0.seed = seed
                $0.faults = [FaultRule(kind: .serverError, operations: ["get"], share: 0.3)]
            }
            let statuses = StatusLog()
            try await harness.run { client async throws in
                for _ in 0..<400 {
                    statuses.append(try await client.send(.get, "/v2/pods/x").status)
                }
            }
            return statuses.all
        }
        let first = try await pattern(seed: 42)
        let failures = first.filter { $0 == 500 }.count
        #expect((80...160).contains(failures), "\(failures) of 400")
        #expect(Set(first) == [404, 500])
        #expect(try await pattern(seed: 42) == first)
        #expect(try await pattern(seed: 43) != first)
    }

    @Test func shareAndCountTogetherStopAfterCountHits() async throws {
        let harness = EmulatorHarness { $0.faults = [FaultRule(kind: .serverError, count: 3, share: 0.5)] }
        let statuses = StatusLog()
        try await harness.run { client async throws in
            for _ in 0..<60 { statuses.append(try await client.send(.get, "/v2/pods").status) }
        }
        #expect(statuses.all.filter { $0 == 500 }.count == 3)
    }

    @Test func theFirstMatchingRuleWinsAndAKeyFailureConsumesNothing() async throws {
        let harness = EmulatorHarness {
            $0.apiKey = "k"
            $0.faults = [
                FaultRule(kind: .forbidden, operations: ["get"], count: 1),
                FaultRule(kind: .paymentRequired, count: 1),
            ]
        }
        try await harness.run { client async throws in
            #expect(try await client.send(.get, "/v2/pods/x").status == 401)
            #expect(try await client.send(.get, "/v2/pods/x", key: "k").status == 403)
            #expect(try await client.send(.get, "/v2/pods/x", key: "k").status == 402)
            #expect(try await client.send(.get, "/v2/pods/x", key: "k").status == 404)
        }
        #expect(harness.emulator.callCounts[.get] == 4)
    }

    @Test func faultsAddedAndClearedAtRunTime() async throws {
        let harness = EmulatorHarness()
        harness.emulator.addFault(FaultRule(kind: .serverError))
        try await harness.run { client async throws in
            #expect(try await client.send(.get, "/v2/pods").status == 500)
            harness.emulator.clearFaults()
            #expect(try await client.send(.get, "/v2/pods").status == 200)
        }
    }
}
