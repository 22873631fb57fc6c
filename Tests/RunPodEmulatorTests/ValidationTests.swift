import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct ValidationTests {
    @Test(arguments: [
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"bogus":1,"extra":2}"#,
            "$: additional properties 'bogus', 'extra' not allowed"
        ),
        (#"{"name":"a","gpu":{"id":"NVIDIA L40S"}}"#, "$: missing property 'image'"),
        (#"{"image":"i","gpu":{"id":"NVIDIA L40S"}}"#, "$: missing property 'name'"),
        (#"{"name":"","image":"i","gpu":{"id":"NVIDIA L40S"}}"#, "$.name: length must be >= 1, but got 0"),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"cloud":"PRIVATE"}"#,
            "$.cloud: value must be one of 'SECURE', 'COMMUNITY'"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S","colour":"green"}}"#,
            "$.gpu: additional properties 'colour' not allowed"
        ),
        (#"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S","count":0}}"#, "$.gpu.count: must be >= 1, but got 0"),
        (#"{"name":"a","image":"i","gpu":{"count":1}}"#, "$.gpu: missing property 'id'"),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"disk":"50"}"#,
            "$.disk: expected integer, but got string"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"ports":[22]}"#,
            "$.ports[0]: expected string, but got integer"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"mounts":{"network":[{"volumeId":"v"}]}}"#,
            "$.mounts.network[0]: missing property 'path'"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"mounts":{"network":[{"volumeId":"v","path":"/a"},{"volumeId":"w","path":"/b"}]}}"#,
            "$.mounts.network: must have at most 1 items, but got 2"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"mounts":{"nfs":{}}}"#,
            "$.mounts: additional properties 'nfs' not allowed"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S","minCudaVersion":"12"}}"#,
            "$.gpu.minCudaVersion: '12' does not match the expected format"
        ),
        (#"[1,2]"#, "$: expected object, but got array"),
    ])
    func schemaViolationsAre400WithErrors(body: String, error: String) async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let reply = try await client.send(.post, "/v2/pods", body: body)
            #expect(reply.status == 400)
            #expect(reply.contentType == "application/problem+json")
            #expect(reply.json?["title"]?.string == "Bad Request")
            #expect(reply.json?["status"]?.int == 400)
            #expect(reply.errors.contains(error), "errors: \(reply.errors)")
            #expect(harness.emulator.pods.isEmpty)
        }
    }

    @Test(arguments: [
        (#"{"name":"a","image":"i","gpu":{"id":"NVIDIA Nope"}}"#, "$.gpu.id: unknown GPU type 'NVIDIA Nope'"),
        (#"{"name":"a","image":"i"}"#, "$: exactly one of 'gpu' or 'cpu' must be set"),
        (
            #"{"name":"a","image":"i","cpu":{"id":"cpu5c","vcpuCount":4}}"#,
            "$.cpu: CPU pods are not supported by the emulator"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"cpu":{"id":"cpu5c","vcpuCount":4}}"#,
            "$: exactly one of 'gpu' or 'cpu' must be set"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"ports":["22"]}"#,
            "$.ports[0]: '22' is not <port>/tcp or <port>/http"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S","allowedCudaVersions":["12.8"],"minCudaVersion":"12.1"}}"#,
            "$.gpu: allowedCudaVersions and minCudaVersion are mutually exclusive"
        ),
        (
            #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"mounts":{"persistent":{"size":20,"path":"/w"},"network":[{"volumeId":"v","path":"/n"}]}}"#,
            "$.mounts: persistent and network are mutually exclusive"
        ),
    ])
    func handlerRulesAre400(body: String, detail: String) async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let reply = try await client.send(.post, "/v2/pods", body: body)
            #expect(reply.status == 400)
            #expect(reply.detail == detail)
            #expect(reply.errors == [detail])
        }
    }

    @Test(arguments: ["interruptible", "bidPerGpu"])
    func spotFieldsAreRefused(field: String) async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let body = #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"\#(field)":true}"#
            let reply = try await client.send(.post, "/v2/pods", body: body)
            #expect(reply.status == 400)
            #expect(reply.detail == "Spot pods are no longer offered")
        }
    }

    @Test func bodiesThatAreNotJSONAre400() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let broken = try await client.send(.post, "/v2/pods", body: "{name:")
            #expect(broken.detail == "request body is not valid JSON")
            let empty = try await client.send(.post, "/v2/pods")
            #expect(empty.detail == "request body is required")
        }
    }

    @Test func envValuesAreNeverQuotedInErrors() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let body = #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S"},"env":{"TOKEN":12345678}}"#
            let reply = try await client.send(.post, "/v2/pods", body: body)
            #expect(reply.errors == ["$.env.TOKEN: expected string, but got integer"])
            #expect(!reply.rawBody.contains("12345678"))
        }
    }

    @Test func aTemplateStandsInForTheImage() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let body = #"{"name":"a","templateId":"tpl1","gpu":{"id":"NVIDIA L40S"},"env":{"A":"b"},"startSsh":true}"#
            let reply = try await client.send(.post, "/v2/pods", body: body)
            #expect(reply.status == 201)
            #expect(reply.json?["image"]?.string == "")
            #expect(reply.json?["template"] == .null)
            #expect(reply.json?["env"] == .object(["A": .string("b")]))
        }
    }

    @Test func theDocumentedExampleIsAccepted() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let body = """
                {"name":"pytorch-training","image":"runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404",\
                "gpu":{"id":"NVIDIA GeForce RTX 4090","count":1},"disk":50}
                """
            let reply = try await client.send(.post, "/v2/pods", body: body)
            #expect(reply.status == 201)
            #expect(reply.json?["disk"]?.int == 50)
        }
    }
}
