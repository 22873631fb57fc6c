import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct LifecycleTests {
    @Test func statusFollowsTheInjectedClock() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let created = try await client.create()
            #expect(created.status == 201)
            #expect(created.contentType == "application/json")
            let pod = try #require(created.json)
            #expect(pod["status"]?.string == "PROVISIONING")
            #expect(pod["actions"] == .array([.string("stop"), .string("terminate")]))
            #expect(pod["ssh"] == .object(["proxy": .null, "direct": .null]))
            #expect(pod["runtime"] == .null)
            #expect(pod["startedAt"] == .null)
            #expect(pod["cost"]?.double == 0.69)
            #expect(pod["createdAt"]?.string == "2027-01-15T08:00:00Z")
            let id = try #require(pod["id"]?.string)

            func status() async throws -> String? {
                try await client.send(.get, "/v2/pods/\(id)").json?["status"]?.string
            }
            harness.clock.advance(1.9)
            #expect(try await status() == "PROVISIONING")
            harness.clock.advance(0.1)
            #expect(try await status() == "STARTING")
            harness.clock.advance(2.9)
            #expect(try await status() == "STARTING")
            harness.clock.advance(0.1)
            let running = try #require(try await client.send(.get, "/v2/pods/\(id)").json)
            #expect(running["status"]?.string == "RUNNING")
            #expect(running["actions"] == .array([.string("stop"), .string("restart"), .string("terminate")]))
            #expect(running["startedAt"]?.string == "2027-01-15T08:00:05Z")
            #expect(running["ssh"]?["proxy"]?["host"]?.string == "ssh.runpod.io")
            #expect(running["runtime"]?["uptime"]?.int == 0)

            harness.clock.advance(60)
            let later = try #require(try await client.send(.get, "/v2/pods/\(id)").json)
            #expect(later["runtime"]?["uptime"]?.int == 60)
        }
    }

    @Test func zeroDelaysAnswerRunningAtOnce() async throws {
        let harness = EmulatorHarness {
            $0.provisioningSeconds = 0
            $0.startingSeconds = 0
        }
        try await harness.run { client async throws in
            let pod = try #require(try await client.create().json)
            #expect(pod["status"]?.string == "RUNNING")
        }
    }

    @Test func thePodsPropertyReadsTheClock() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            _ = try await client.create(name: "a")
            harness.clock.advance(2)
            _ = try await client.create(name: "b")
        }
        harness.clock.advance(3)
        let pods = harness.emulator.pods
        #expect(pods.map(\.name) == ["a", "b"])
        #expect(pods.map(\.status) == [.running, .starting])
        #expect(pods[0].startedAt == harness.clock.now)
    }

    @Test func aPodCarriesEveryFieldThePodSchemaRequires() async throws {
        let harness = EmulatorHarness()
        try await harness.run { client async throws in
            let pod = try #require(try await client.create().json)
            let required = [
                "id", "name", "status", "actions", "image", "args", "disk", "mounts", "ports", "env", "registry",
                "cloud", "dataCenterId", "cudaVersion", "ssh", "template", "cost", "locked", "runtime", "createdAt",
                "startedAt", "globalNetworking", "gpu",
            ]
            for key in required {
                #expect(pod[key] != nil, "missing \(key)")
            }
            #expect(pod["gpu"] == .object(["id": .string("NVIDIA RTX 6000 Ada Generation"), "count": .int(1)]))
            #expect(pod["disk"]?.int == 50)
            #expect(pod["mounts"] == .object([:]))
            #expect(pod["template"] == .null)
            #expect(pod["locked"] == .bool(false))
            #expect(pod["cudaVersion"]?.string == "12.8")
            #expect(pod["globalNetworking"] == .object(["enabled": .bool(false)]))
            #expect(pod["id"]?.string?.count == 14)
        }
    }

    @Test func directSSHAndPortsOnceRunning() async throws {
        let harness = EmulatorHarness {
            $0.provisioningSeconds = 0
            $0.startingSeconds = 0
        }
        try await harness.run { client async throws in
            let pod = try #require(try await client.create(extra: #","ports":["22/tcp","8888/http"]"#).json)
            let direct = try #require(pod["ssh"]?["direct"])
            #expect(direct["username"]?.string == "root")
            let host = try #require(direct["host"]?.string)
            let port = try #require(direct["port"]?.int)
            #expect(direct["command"]?.string == "ssh root@\(host) -p \(port)")
            let ports = try #require(pod["runtime"]?["ports"])
            #expect(ports[0]?["private"]?.int == 22)
            #expect(ports[0]?["public"]?.int == port)
            #expect(ports[1]?["type"]?.string == "http")
            #expect(ports[1]?["public"] == .null)
            // The same answer on the next call.
            let again = try await client.send(.get, "/v2/pods/\(pod["id"]?.string ?? "")").json
            #expect(again?["ssh"]?["direct"] == direct)
        }
    }

    /// `sshAddress` publishes every pod's 22/tcp at one address (a test's real sshd), in `ssh.direct` and the runtime
    /// port list alike.
    @Test func sshAddressPointsEveryPodAtOneSSHServer() async throws {
        let harness = EmulatorHarness {
            $0.provisioningSeconds = 0
            $0.startingSeconds = 0
            $0.sshAddress = "10.213.7.2:2222"
        }
        try await harness.run { client async throws in
            let pod = try #require(try await client.create(extra: #","ports":["22/tcp","8888/http"]"#).json)
            let direct = try #require(pod["ssh"]?["direct"])
            #expect(direct["host"]?.string == "10.213.7.2" && direct["port"]?.int == 2222)
            #expect(direct["command"]?.string == "ssh root@10.213.7.2 -p 2222")
            #expect(pod["runtime"]?["ports"]?[0]?["ip"]?.string == "10.213.7.2")
            #expect(pod["runtime"]?["ports"]?[0]?["public"]?.int == 2222)
        }
        let loaded = try EmulatorConfiguration.load(yaml: "sshAddress: \"10.0.0.2:22\"", origin: "e.yaml")
        #expect(loaded.sshAddress == "10.0.0.2:22")
        #expect(throws: EmulatorConfigurationError.self) {
            try EmulatorConfiguration.load(yaml: "sshAddress: nowhere", origin: "e.yaml")
        }
    }

    @Test func quirksReproduceTheLiveServiceOddities() async throws {
        let harness = EmulatorHarness {
            $0.quirks = EmulatorQuirks(goTimestamps: true, costAsString: true)
        }
        try await harness.run { client async throws in
            let pod = try #require(try await client.create().json)
            #expect(pod["createdAt"]?.string == "2027-01-15 08:00:00.000 +0000 UTC")
            #expect(pod["cost"] == .string("0.69"))
        }
    }

    @Test func podIdsAreReproducibleFromTheSeed() async throws {
        func ids(seed: UInt64) async throws -> [String] {
            let harness = EmulatorHarness { $0.seed = seed }
            try await harness.run { client async throws in
                for _ in 0..<3 { _ = try await client.create() }
            }
            return harness.emulator.pods.map(\.id)
        }
        #expect(try await ids(seed: 7) == (try await ids(seed: 7)))
        #expect(try await ids(seed: 7) != (try await ids(seed: 8)))
    }
}
