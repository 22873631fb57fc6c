import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import RunPodEmulator

/// The emulator on a real loopback socket (port 0).
@Suite struct LiveServerTests {
    static func emulator(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) -> RunPodEmulator {
        var configuration = EmulatorConfiguration()
        configuration.listen = "127.0.0.1:0"
        configure(&configuration)
        var logger = Logger(label: "emulator-live-test")
        logger.logLevel = .critical
        return RunPodEmulator(configuration: configuration, logger: logger)
    }

    static func client(port: Int) -> TestClient {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(10)))
        client.connect()
        return client
    }

    @Test func servesOnTheBoundPortAndStops() async throws {
        let emulator = Self.emulator()
        let port = try await emulator.start()
        #expect(port > 0)
        #expect(emulator.port == port)
        let client = Self.client(port: port)
        let reply = try await client.get("/v2/pods")
        #expect(reply.status == .ok)
        #expect(reply.body.map { String(buffer: $0) } == #"{"pods":[]}"#)
        try await client.shutdown()
        await emulator.stop()
        #expect(emulator.port == nil)
        await emulator.stop()
    }

    @Test func startingTwiceIsAnError() async throws {
        let emulator = Self.emulator()
        _ = try await emulator.start()
        await #expect(throws: RunPodEmulatorError.self) { try await emulator.start() }
        await emulator.stop()
    }

    @Test func aBusyPortIsAnError() async throws {
        let first = Self.emulator()
        let port = try await first.start()
        let second = Self.emulator { $0.listen = "127.0.0.1:\(port)" }
        await #expect(throws: RunPodEmulatorError.self) { try await second.start() }
        await first.stop()
        // After a failed start the emulator can start again.
        second.setCapacity(gpuTypeId: "NVIDIA L40S", cloud: "SECURE", gpus: 1)
        let again = try await second.start()
        #expect(again == port)
        await second.stop()
    }

    @Test func aBadListenAddressIsAnError() async {
        let emulator = Self.emulator { $0.listen = "nowhere" }
        await #expect(throws: RunPodEmulatorError.self) { try await emulator.start() }
    }

    @Test func dropConnectionClosesTheSocketWithoutAnAnswer() async throws {
        let emulator = Self.emulator { $0.faults = [FaultRule(kind: .dropConnection, operations: ["list"], count: 1)] }
        let port = try await emulator.start()
        let client = Self.client(port: port)
        await #expect(throws: TestClient.Error.self) { _ = try await client.get("/v2/pods") }
        try? await client.shutdown()

        // The next connection is served.
        let next = Self.client(port: port)
        #expect(try await next.get("/v2/pods").status == .ok)
        try await next.shutdown()
        await emulator.stop()
    }

    @Test func slowHoldsTheAnswer() async throws {
        let emulator = Self.emulator { $0.faults = [FaultRule(kind: .slow, count: 1, delaySeconds: 0.3)] }
        let port = try await emulator.start()
        let client = Self.client(port: port)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await client.get("/v2/pods").status == .ok)
        #expect(clock.now - start >= .milliseconds(290))
        try await client.shutdown()
        await emulator.stop()
    }
}
