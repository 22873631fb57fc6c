import Foundation
import RunPodAPI
import TestSupport
import Testing

@Suite("Pod calls send the documented requests and decode the answers")
struct PodCallTests {
    @Test func listPodsDecodesEveryPodIncludingQuirks() async throws {
        try await withFakeRunPod({ _ in .json(200, Fixtures.podList) }) { client, fake, _ in
            let pods = try await client.listPods()
            let request = try #require(fake.requests.first)
            #expect(fake.requests.count == 1)
            #expect(request.method == "GET")
            #expect(request.path == "/v2/pods")
            #expect(request.query == nil)
            #expect(request.headers["authorization"] == "Bearer \(testAPIKey)")
            #expect(request.headers["accept"] == "application/json")
            #expect(request.headers["content-type"] == nil)
            #expect(request.body.isEmpty)

            #expect(pods.count == 2)
            let running = pods[0]
            #expect(running.id == "7h9k2m4n6p")
            #expect(running.name == "pytorch-training")
            #expect(running.status == .running)
            #expect(running.gpuTypeId == "NVIDIA GeForce RTX 4090")
            #expect(running.gpuCount == 2)
            #expect(running.cloud == "SECURE")
            #expect(running.dataCenterId == "US-KS-2")
            #expect(running.costPerHour == 0.88)
            #expect(running.image == "runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404")
            #expect(running.env == ["MODEL_NAME": "llama-3", "HF_TOKEN": "hf_s3cr3t"])
            #expect(running.createdAt == Date(timeIntervalSince1970: 1_780_315_200))
            #expect(running.startedAt == Date(timeIntervalSince1970: 1_780_315_205.25))  // exact in binary

            let quirky = pods[1]
            #expect(quirky.status == .other("PAUSED"))
            #expect(quirky.costPerHour == 0.74)
            #expect(quirky.gpuTypeId == nil)
            #expect(quirky.gpuCount == 0)
            #expect(quirky.dataCenterId == nil)
            let created = try #require(quirky.createdAt)
            #expect(abs(created.timeIntervalSince1970 - 1_765_907_096.726) < 0.000_5)
            #expect(quirky.startedAt == nil)
        }
    }

    @Test func getPodAddressesOnePod() async throws {
        try await withFakeRunPod({ _ in .json(200, Fixtures.runningPod) }) { client, fake, _ in
            let pod = try await client.getPod(id: "7h9k2m4n6p")
            #expect(pod.id == "7h9k2m4n6p")
            let request = try #require(fake.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/v2/pods/7h9k2m4n6p")
            #expect(request.headers["authorization"] == "Bearer \(testAPIKey)")
        }
    }

    @Test func podIdsAreEscapedAndEmptyIdsRefused() async throws {
        try await withFakeRunPod({ _ in .json(200, Fixtures.runningPod) }) { client, fake, log in
            _ = try await client.getPod(id: "a/b c")
            #expect(fake.requests.first?.path == "/v2/pods/a%2Fb%20c")
            let error = await #expect(throws: RunPodError.self) { try await client.getPod(id: "") }
            #expect(error?.kind == .invalidRequest)
            #expect(fake.requests.count == 1, "an empty id must not reach the service")
            #expect(log.all.count == 1)
        }
    }

    @Test func createPodSendsExactlyTheCreatePodRequestFields() async throws {
        try await withFakeRunPod({ _ in .json(201, Fixtures.runningPod) }) { client, fake, _ in
            let spec = CreatePodSpec(
                name: "worker-1", image: "runpod/pytorch:2.4", gpuTypeId: "NVIDIA L40S", gpuCount: 2,
                cloud: "SECURE", dataCenterIds: ["US-TX-3"], networkVolumeId: "vol_abc",
                env: ["MODE": "worker", "HF_TOKEN": "hf_secret"], ports: ["22/tcp", "8888/http"], startSsh: true)
            let pod = try await client.createPod(spec)
            #expect(pod.id == "7h9k2m4n6p")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/v2/pods")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["authorization"] == "Bearer \(testAPIKey)")
            #expect(
                request.body
                    == #"{"cloud":"SECURE","dataCenterIds":["US-TX-3"],"env":{"HF_TOKEN":"hf_secret","MODE":"worker"},"#
                    + #""gpu":{"count":2,"id":"NVIDIA L40S"},"image":"runpod/pytorch:2.4","#
                    + #""mounts":{"network":[{"path":"/workspace","volumeId":"vol_abc"}]},"name":"worker-1","#
                    + #""ports":["22/tcp","8888/http"],"startSsh":true}"#)
        }
    }

    @Test func createFromTemplateOmitsWhatIsUnset() async throws {
        try await withFakeRunPod({ _ in .json(201, Fixtures.runningPod) }) { client, fake, _ in
            _ = try await client.createPod(
                CreatePodSpec(name: "w2", templateId: "tpl_1", gpuTypeId: "NVIDIA GeForce RTX 4090", cloud: "COMMUNITY")
            )
            let body = try #require(fake.requests.first?.body)
            #expect(
                body
                    == #"{"cloud":"COMMUNITY","env":{},"gpu":{"count":1,"id":"NVIDIA GeForce RTX 4090"},"name":"w2","#
                    + #""ports":[],"startSsh":false,"templateId":"tpl_1"}"#)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            // Properties CreatePodRequest (and the ContainerConfig it includes) allows.
            let allowed: Set = [
                "name", "cloud", "cpu", "dataCenterIds", "globalNetworking", "gpu", "mounts", "startJupyter",
                "startSsh", "templateId", "args", "disk", "env", "image", "ports", "registry",
            ]
            #expect(Set(json.keys).isSubset(of: allowed))
        }
    }

    @Test func deletePodExpects204AndMapsMissingPodsToNotFound() async throws {
        try await withFakeRunPod({ request in
            request.path.hasSuffix("/gone")
                ? .problem(404, title: "Not Found", detail: "pod not found") : CannedResponse(status: 204)
        }) { client, fake, _ in
            try await client.deletePod(id: "p1")
            #expect(fake.requests.first?.method == "DELETE")
            #expect(fake.requests.first?.path == "/v2/pods/p1")
            #expect(fake.requests.first?.body.isEmpty == true)
            let error = await #expect(throws: RunPodError.self) { try await client.deletePod(id: "gone") }
            #expect(error?.kind == .notFound)
            #expect(error?.status == 404)
            #expect(error?.message.contains("pod not found") == true)
        }
    }

    @Test func podActionSendsTheActionAndHandles204() async throws {
        try await withFakeRunPod({ request in
            request.body.contains("terminate") ? CannedResponse(status: 204) : .json(200, Fixtures.runningPod)
        }) { client, fake, _ in
            let stopped = try await client.podAction(id: "p1", action: "stop")
            #expect(stopped?.id == "7h9k2m4n6p")
            let terminated = try await client.podAction(id: "p1", action: "terminate")
            #expect(terminated == nil)
            let requests = fake.requests
            #expect(requests.map(\.method) == ["POST", "POST"])
            #expect(requests.map(\.path) == ["/v2/pods/p1/action", "/v2/pods/p1/action"])
            #expect(requests.map(\.body) == [#"{"action":"stop"}"#, #"{"action":"terminate"}"#])
            #expect(requests.allSatisfy { $0.headers["content-type"] == "application/json" })
        }
    }

    @Test func gpuTypesReadsTheCatalogWithAvailability() async throws {
        try await withFakeRunPod({ _ in .json(200, Fixtures.catalog) }) { client, fake, _ in
            let types = try await client.gpuTypes()
            let request = try #require(fake.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/v2/catalog/gpus")
            #expect(request.query == "include=AVAILABILITY&product=POD")
            #expect(
                types == [
                    RunPodGPUType(
                        id: "NVIDIA GeForce RTX 4090", displayName: "RTX 4090", memoryGB: 24, securePrice: 0.44,
                        communityPrice: 0.31, secureAvailable: true, communityAvailable: true, availability: "HIGH"),
                    RunPodGPUType(
                        id: "NVIDIA L40S", displayName: "L40S", memoryGB: 48, securePrice: 0.86, communityPrice: 0,
                        secureAvailable: true, communityAvailable: false, availability: "NONE"),
                ])
            #expect(types[0].price(cloud: "SECURE") == 0.44)
            #expect(types[0].price(cloud: "community") == 0.31)
            #expect(types[0].price(cloud: "SPOT") == nil)
        }
    }

    @Test func onRequestReportsEveryOperationWithItsCode() async throws {
        try await withFakeRunPod({ request in
            switch (request.method, request.path) {
            case ("GET", "/v2/pods"): .json(200, Fixtures.podList)
            case ("GET", _) where request.path.hasPrefix("/v2/pods/"):
                .problem(404, title: "Not Found", detail: "pod not found")
            case ("POST", "/v2/pods"): .json(201, Fixtures.runningPod)
            case ("DELETE", _): CannedResponse(status: 204)
            case ("POST", _): .json(200, Fixtures.runningPod)
            default: .json(200, Fixtures.catalog)
            }
        }) { client, _, log in
            _ = try await client.listPods()
            _ = try? await client.getPod(id: "missing")
            _ = try await client.createPod(CreatePodSpec(name: "n", image: "i", gpuTypeId: "g"))
            try await client.deletePod(id: "p")
            _ = try await client.podAction(id: "p", action: "stop")
            _ = try await client.gpuTypes()
            #expect(
                log.all == [
                    RequestReport(operation: "list", code: "200"), RequestReport(operation: "get", code: "404"),
                    RequestReport(operation: "create", code: "201"), RequestReport(operation: "delete", code: "204"),
                    RequestReport(operation: "action", code: "200"), RequestReport(operation: "catalog", code: "200"),
                ])
            #expect(log.seconds.allSatisfy { $0 >= 0 && $0 < 10 })
        }
    }
}
