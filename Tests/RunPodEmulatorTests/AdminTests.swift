import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct AdminTests {
    let harness = EmulatorHarness()

    @Test func faultsCanBeAddedAndCleared() async throws {
        try await harness.run { client async throws in
            let added = try await client.send(
                .post, "/admin/faults",
                body: #"{"kind":"rateLimited","operations":["list"],"count":2,"retryAfterSeconds":7}"#)
            #expect(added.status == 201)
            #expect(added.json?["id"]?.int == 1)
            #expect(added.json?["kind"]?.string == "rateLimited")
            #expect(added.json?["remaining"]?.int == 2)
            let limited = try await client.send(.get, "/v2/pods")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") == "7")

            #expect(try await client.send(.delete, "/admin/faults").status == 204)
            #expect(try await client.send(.get, "/v2/pods").status == 200)
        }
    }

    @Test(arguments: [
        (#"{"kind":"meteor"}"#, "kind: unknown fault kind"),
        (#"{"kind":"slow","delay":1}"#, "delay: unknown key"),
        (#"{"kind":"slow","share":1.5}"#, "share: must be between 0 and 1"),
        (#"{"kind":"slow","count":0}"#, "count: must be at least 1"),
        (#"{"kind":"slow","operations":["reboot"]}"#, "operations: unknown operation"),
        (#"{"count":1}"#, "kind: is required"),
    ])
    func badFaultRulesAre400(body: String, error: String) async throws {
        try await harness.run { client async throws in
            let reply = try await client.send(.post, "/admin/faults", body: body)
            #expect(reply.status == 400)
            #expect(reply.errors.first?.hasPrefix(error) == true, "\(reply.errors)")
        }
    }

    @Test func capacityCanBeSet() async throws {
        try await harness.run { client async throws in
            let body = #"{"gpuTypeId":"NVIDIA L40S","cloud":"SECURE","gpus":1}"#
            #expect(try await client.send(.put, "/admin/capacity", body: body).status == 204)
            #expect(try await client.create(gpu: "NVIDIA L40S").status == 201)
            #expect(try await client.create(gpu: "NVIDIA L40S").status == 400)

            let bad = #"{"gpuTypeId":"NVIDIA L40","cloud":"SECURE","gpus":1}"#
            #expect(try await client.send(.put, "/admin/capacity", body: bad).status == 400)
            let negative = #"{"gpuTypeId":"NVIDIA L40S","cloud":"SECURE","gpus":-1}"#
            #expect(try await client.send(.put, "/admin/capacity", body: negative).status == 400)
        }
    }

    @Test func stateShowsPodsCapacityFaultsAndCalls() async throws {
        try await harness.run { client async throws in
            let id = try #require(try await client.create(count: 2).json?["id"]?.string)
            _ = try await client.send(.get, "/v2/pods")
            _ = try await client.send(.get, "/v2/pods")
            harness.emulator.addFault(FaultRule(kind: .slow, operations: ["get"], delaySeconds: 2))
            harness.clock.advance(2)

            let state = try #require(try await client.send(.get, "/admin/state").json)
            #expect(state["pods"]?.count == 1)
            let pod = try #require(state["pods"]?[0])
            #expect(pod["id"]?.string == id)
            #expect(pod["name"]?.string == "rpa-media-burst-x")
            #expect(pod["status"]?.string == "STARTING")
            #expect(pod["gpu"] == .object(["id": .string(CapacityTests.ada), "count": .int(2)]))
            #expect(pod["cloud"]?.string == "SECURE")
            let ada = state["capacity"]?[CapacityTests.ada]
            #expect(ada?["SECURE"] == .object(["total": .int(16), "used": .int(2), "available": .int(14)]))
            #expect(ada?["COMMUNITY"]?["used"]?.int == 0)
            #expect(state["faults"]?[0]?["kind"]?.string == "slow")
            #expect(state["calls"]?["list"]?.int == 2)
            #expect(state["calls"]?["create"]?.int == 1)
            #expect(state["calls"]?["delete"]?.int == 0)
        }
    }

    @Test func aPodCanBeFailed() async throws {
        try await harness.run { client async throws in
            let id = try #require(try await client.create().json?["id"]?.string)
            #expect(try await client.send(.post, "/admin/pods/\(id)/error").status == 204)
            let pod = try await client.send(.get, "/v2/pods/\(id)").json
            #expect(pod?["status"]?.string == "ERROR")
            #expect(pod?["actions"] == .array([.string("start"), .string("terminate")]))
            #expect(try await client.send(.post, "/admin/pods/nope/error").status == 404)
        }
        #expect(harness.emulator.failPod(id: "nope") == false)
    }
}
