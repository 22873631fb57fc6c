import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct AuthTests {
    let harness = EmulatorHarness { $0.apiKey = "rpa_secret_key" }

    @Test func aKeyIsRequiredWhenConfigured() async throws {
        try await harness.run { client async throws in
            let missing = try await client.send(.get, "/v2/pods")
            #expect(missing.status == 401)
            #expect(missing.detail == "missing bearer token")
            #expect(missing.contentType == "application/problem+json")

            let wrong = try await client.send(.get, "/v2/pods", key: "rpa_guess")
            #expect(wrong.status == 401)
            #expect(wrong.detail == "invalid bearer token")
            #expect(!wrong.rawBody.contains("rpa_"))

            #expect(try await client.send(.get, "/v2/pods", key: "rpa_secret_key").status == 200)
            #expect(try await client.send(.get, "/v2/catalog/gpus").status == 401)
            #expect(try await client.send(.post, "/v2/pods", body: "{}").status == 401)
        }
    }

    @Test func adminRoutesNeedNoKey() async throws {
        try await harness.run { client async throws in
            #expect(try await client.send(.get, "/admin/state").status == 200)
        }
    }

    @Test func theSchemeIsCaseInsensitive() {
        let core = EmulatorCore(
            configuration: {
                var c = EmulatorConfiguration(); c.apiKey = "k"; return c
            }())
        #expect(core.authorize("bearer k") == nil)
        #expect(core.authorize("Basic k") == .missingBearerToken)
        #expect(core.authorize("Bearer k2") == .invalidBearerToken)
    }

    @Test func noKeyConfiguredMeansOpen() async throws {
        try await EmulatorHarness().run { client async throws in
            #expect(try await client.send(.get, "/v2/pods", key: "anything").status == 200)
        }
    }
}
