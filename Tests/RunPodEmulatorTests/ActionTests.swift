import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct ActionTests {
    let harness = EmulatorHarness()

    @Test func stopStartRestartAndTerminate() async throws {
        try await harness.run { client async throws in
            let id = try #require(try await client.create().json?["id"]?.string)
            harness.clock.advance(5)

            let stopped = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"stop"}"#)
            #expect(stopped.status == 200)
            #expect(stopped.json?["status"]?.string == "EXITED")
            #expect(stopped.json?["cost"]?.double == 0)
            #expect(stopped.json?["actions"] == .array([.string("start"), .string("terminate")]))
            #expect(stopped.json?["runtime"] == .null)

            let started = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"start"}"#)
            #expect(started.status == 200)
            #expect(started.json?["status"]?.string == "STARTING")
            #expect(started.json?["cost"]?.double == 0.69)
            harness.clock.advance(3)
            #expect(try await client.send(.get, "/v2/pods/\(id)").json?["status"]?.string == "RUNNING")

            let restarted = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"restart"}"#)
            #expect(restarted.json?["status"]?.string == "STARTING")

            let terminated = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"terminate"}"#)
            #expect(terminated.status == 204)
            #expect(terminated.rawBody.isEmpty)
            #expect(try await client.send(.get, "/v2/pods/\(id)").status == 404)
        }
    }

    @Test func anActionInvalidForTheStatusIs409() async throws {
        try await harness.run { client async throws in
            let id = try #require(try await client.create().json?["id"]?.string)
            let restart = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"restart"}"#)
            #expect(restart.status == 409)
            #expect(restart.contentType == "application/problem+json")
            #expect(restart.json?["title"]?.string == "Conflict")
            #expect(restart.detail?.contains("PROVISIONING") == true)

            let start = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"start"}"#)
            #expect(start.status == 409)
            // The pod is unchanged.
            #expect(try await client.send(.get, "/v2/pods/\(id)").json?["status"]?.string == "PROVISIONING")
        }
    }

    @Test func deleteAnswers204ThenNotFound() async throws {
        try await harness.run { client async throws in
            let id = try #require(try await client.create().json?["id"]?.string)
            let deleted = try await client.send(.delete, "/v2/pods/\(id)")
            #expect(deleted.status == 204)
            #expect(deleted.rawBody.isEmpty)
            let again = try await client.send(.delete, "/v2/pods/\(id)")
            #expect(again.status == 404)
            #expect(again.detail == "pod not found")
            #expect(try await client.send(.get, "/v2/pods").json?["pods"]?.count == 0)
        }
    }

    @Test func unknownPodsAre404() async throws {
        try await harness.run { client async throws in
            let get = try await client.send(.get, "/v2/pods/nope")
            #expect(get.status == 404)
            #expect(
                get.json
                    == .object(["title": .string("Not Found"), "status": .int(404), "detail": .string("pod not found")])
            )
            let action = try await client.send(.post, "/v2/pods/nope/action", body: #"{"action":"stop"}"#)
            #expect(action.status == 404)
        }
    }

    @Test(arguments: [
        (#"{"action":"pause"}"#, "$.action: value must be one of 'start', 'stop', 'restart', 'terminate'"),
        (#"{"action":"stop","force":true}"#, "$: additional properties 'force' not allowed"),
        (#"{}"#, "$: missing property 'action'"),
        (#"["stop"]"#, "$: expected object, but got array"),
    ])
    func badActionBodiesAre400(body: String, error: String) async throws {
        try await harness.run { client async throws in
            let id = try #require(try await client.create().json?["id"]?.string)
            let reply = try await client.send(.post, "/v2/pods/\(id)/action", body: body)
            #expect(reply.status == 400)
            #expect(reply.errors == [error])
        }
    }

    @Test func listShowsPodsInCreationOrder() async throws {
        try await harness.run { client async throws in
            for name in ["one", "two", "three"] { _ = try await client.create(name: name) }
            let list = try await client.send(.get, "/v2/pods")
            #expect(list.status == 200)
            let names = list.json?["pods"]?.arrayValue?.compactMap { $0["name"]?.string }
            #expect(names == ["one", "two", "three"])
        }
    }

    @Test func unknownPathsAnswerAProblem() async throws {
        try await harness.run { client async throws in
            let reply = try await client.send(.get, "/v2/nothing")
            #expect(reply.status == 404)
            #expect(reply.contentType == "application/problem+json")
        }
    }
}
