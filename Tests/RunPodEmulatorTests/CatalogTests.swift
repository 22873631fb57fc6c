import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct CatalogTests {
    @Test func listsEveryGPUWithPrices() async throws {
        let harness = EmulatorHarness { $0.prices["NVIDIA H200"] = 3.99 }
        try await harness.run { client async throws in
            let reply = try await client.send(.get, "/v2/catalog/gpus")
            #expect(reply.status == 200)
            let gpus = try #require(reply.json?["gpus"]?.arrayValue)
            #expect(gpus.compactMap { $0["id"]?.string } == EmulatorConfiguration.gpuTypeIds)
            let ada = try #require(gpus.first { $0["id"]?.string == CapacityTests.ada })
            #expect(ada["price"] == .object(["secure": .double(0.69), "community": .double(0.55)]))
            #expect(ada["memory"]?.int == 48)
            #expect(ada["manufacturer"]?.string == "NVIDIA")
            #expect(ada["availability"] == nil)
            #expect(gpus.first { $0["id"]?.string == "NVIDIA H200" }?["price"]?["secure"]?.double == 3.99)
        }
    }

    @Test func availabilityFollowsTheRemainingStock() async throws {
        let harness = EmulatorHarness { $0.capacity[CapacityTests.ada] = ["SECURE": 10, "COMMUNITY": 0] }
        try await harness.run { client async throws in
            func level(_ query: String = "") async throws -> String? {
                let reply = try await client.send(.get, "/v2/catalog/gpus?include=AVAILABILITY&product=POD\(query)")
                return reply.json?["gpus"]?.arrayValue?.first { $0["id"]?.string == CapacityTests.ada }?[
                    "availability"]?
                    .string
            }
            #expect(try await level() == "HIGH")
            _ = try await client.create(count: 4)
            #expect(try await level() == "MEDIUM")
            #expect(try await level("&count=2") == "MEDIUM")
            #expect(try await level("&count=3") == "LOW")
            _ = try await client.create(count: 5)
            #expect(try await level() == "LOW")
            _ = try await client.create(count: 1)
            #expect(try await level() == "NONE")
            #expect(try await level("&cloud=COMMUNITY") == "NONE")
        }
    }

    @Test func availabilityCarriesDataCentersAndCudaVersions() async throws {
        let harness = EmulatorHarness { $0.capacity[CapacityTests.ada] = ["SECURE": 0] }
        try await harness.run { client async throws in
            let reply = try await client.send(.get, "/v2/catalog/gpus?include=AVAILABILITY&product=POD&countryCodes=RO")
            let gpus = try #require(reply.json?["gpus"]?.arrayValue)
            let l40s = try #require(gpus.first { $0["id"]?.string == "NVIDIA L40S" })
            #expect(l40s["dataCenters"]?.arrayValue?.compactMap { $0["id"]?.string } == ["EU-RO-1"])
            #expect(l40s["cudaVersions"]?.count == 3)
            let ada = try #require(gpus.first { $0["id"]?.string == CapacityTests.ada })
            #expect(ada["dataCenters"] == nil)
            #expect(ada["cudaVersions"]?[0]?["available"] == .bool(false))

            let japan = try await client.send(.get, "/v2/catalog/gpus?include=AVAILABILITY&product=POD&countryCodes=JP")
            #expect(japan.json?["gpus"]?.count == 0)

            let cuda = try await client.send(
                .get, "/v2/catalog/gpus?include=AVAILABILITY&product=POD&cudaVersions=12.8")
            #expect(cuda.json?["gpus"]?[0]?["cudaVersions"]?.count == 1)
        }
    }

    @Test(arguments: [
        ("?include=AVAILABILITY", 400),
        ("?product=POD", 400),
        ("?include=PRICES&product=POD", 400),
        ("?include=AVAILABILITY&product=DESKTOP", 400),
        ("?cloud=SECURE", 400),
        ("?include=AVAILABILITY&product=POD&count=0", 400),
        ("?include=AVAILABILITY&product=POD&cudaVersions=12.8&minCudaVersion=12", 400),
        ("?include=AVAILABILITY&product=POD&countryCodes=fr", 422),
        ("?include=AVAILABILITY&product=POD&minCudaVersion=twelve", 422),
        ("?include=AVAILABILITY&product=POD,SERVERLESS&minCudaVersion=12&cloud=COMMUNITY&count=2", 200),
    ])
    func queryRules(query: String, status: Int) async throws {
        try await EmulatorHarness().run { client async throws in
            let reply = try await client.send(.get, "/v2/catalog/gpus\(query)")
            #expect(reply.status == status, "\(reply.rawBody)")
            if status != 200 { #expect(reply.contentType == "application/problem+json") }
        }
    }
}
