import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct CapacityTests {
    static let ada = "NVIDIA RTX 6000 Ada Generation"

    @Test func exhaustingAnOfferingAnswersTheNoCapacityTextThenAnotherGPUWorks() async throws {
        let harness = EmulatorHarness { $0.capacity[Self.ada] = ["SECURE": 2, "COMMUNITY": 1] }
        try await harness.run { client async throws in
            #expect(try await client.create(count: 2).status == 201)
            let refused = try await client.create()
            #expect(refused.status == 400)
            #expect(refused.contentType == "application/problem+json")
            #expect(
                refused.detail
                    == "There are no longer any instances available with the requested specifications. Please refresh and try again."
            )
            #expect(refused.json?["title"]?.string == "Bad Request")
            #expect(try await client.create(gpu: "NVIDIA L40S").status == 201)
            // The other cloud has its own stock.
            #expect(try await client.create(cloud: "COMMUNITY").status == 201)
            #expect(try await client.create(cloud: "COMMUNITY").status == 400)
        }
    }

    @Test func legacyNoCapacityIsThe500Text() async throws {
        let harness = EmulatorHarness {
            $0.capacity[Self.ada] = ["SECURE": 0]
            $0.legacyNoCapacityErrors = true
        }
        try await harness.run { client async throws in
            let refused = try await client.create()
            #expect(refused.status == 500)
            #expect(refused.detail == "create pod: There are no instances currently available")
        }
    }

    @Test func podsHoldTheirGPUsUntilTerminated() async throws {
        let harness = EmulatorHarness { $0.capacity[Self.ada] = ["SECURE": 1] }
        try await harness.run { client async throws in
            let id = try #require(try await client.create().json?["id"]?.string)
            _ = try await client.send(.post, "/v2/pods/\(id)/action", body: #"{"action":"stop"}"#)
            #expect(try await client.create().status == 400)
            #expect(try await client.send(.delete, "/v2/pods/\(id)").status == 204)
            #expect(try await client.create().status == 201)
        }
    }

    @Test func moreGPUsThanAMachineHoldsIsNoCapacity() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            #expect(try await client.create(count: 9).status == 400)
            #expect(try await client.create(count: 8).status == 201)
        }
    }

    @Test func setCapacityChangesTheStock() async throws {
        let harness = EmulatorHarness()
        harness.emulator.setCapacity(gpuTypeId: Self.ada, cloud: "SECURE", gpus: 0)
        try await harness.run { client async throws in
            #expect(try await client.create().status == 400)
        }
    }

    @Test func cudaConstraintsPickTheHostVersionOrFailOnCapacity() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            #expect(try await client.create().json?["cudaVersion"]?.string == "12.8")
            let body = """
                {"name":"a","image":"i","gpu":{"id":"NVIDIA L40S","allowedCudaVersions":["12.4","12.6"]}}
                """
            #expect(try await client.send(.post, "/v2/pods", body: body).json?["cudaVersion"]?.string == "12.6")
            let none = #"{"name":"a","image":"i","gpu":{"id":"NVIDIA L40S","minCudaVersion":"13.0"}}"#
            #expect(try await client.send(.post, "/v2/pods", body: none).status == 400)
        }
    }

    @Test func communityIsCheaperAndCostScalesWithCount() async throws {
        let harness = EmulatorHarness { $0.prices["NVIDIA L40S"] = 0.99 }
        try await harness.run { client async throws in
            #expect(try await client.create(cloud: "COMMUNITY").json?["cost"]?.double == 0.55)
            #expect(try await client.create(count: 3).json?["cost"]?.double == 2.07)
            #expect(try await client.create(gpu: "NVIDIA L40S").json?["cost"]?.double == 0.99)
        }
        #expect(harness.emulator.pods.map(\.pricePerHour) == [0.55, 2.07, 0.99])
    }

    @Test func aNetworkVolumePodGoesToTheFirstListedDataCenter() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let extra =
                #","dataCenterIds":["EU-RO-1","US-TX-3"],"mounts":{"network":[{"volumeId":"vol1","path":"/data"}]}"#
            let pod = try #require(try await client.create(extra: extra).json)
            #expect(pod["dataCenterId"]?.string == "EU-RO-1")
            #expect(
                pod["mounts"]
                    == .object(["network": .array([.object(["volumeId": .string("vol1"), "path": .string("/data")])])]))
            #expect(try await client.create().json?["dataCenterId"]?.string == "US-KS-2")
        }
    }
}
