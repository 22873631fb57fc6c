import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport

@testable import RunPodEmulator

/// An emulator on a manual clock, driven through its router without sockets.
struct EmulatorHarness: Sendable {
    let clock: ManualClock
    let sleeps: SleepRecorder
    let emulator: RunPodEmulator

    init(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) {
        var configuration = EmulatorConfiguration()
        configuration.listen = "127.0.0.1:0"
        configure(&configuration)
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        let sleeps = SleepRecorder()
        self.clock = clock
        self.sleeps = sleeps
        var logger = Logger(label: "emulator-test")
        logger.logLevel = .critical
        emulator = RunPodEmulator(
            configuration: configuration, logger: logger, now: { clock.now },
            sleep: { try await sleeps.sleep($0) })
    }

    /// Runs `test` with a client talking straight to the router.
    func run(_ test: @Sendable (EmulatorClient) async throws -> Void) async throws {
        var logger = Logger(label: "emulator-test-app")
        logger.logLevel = .critical
        let app = Application(router: emulator.makeRouter(), logger: logger)
        try await app.test(.router) { client in
            try await test(EmulatorClient(client: client))
        }
    }
}

/// Sends JSON requests the way RunPod clients do.
struct EmulatorClient: Sendable {
    let client: any TestClientProtocol

    func send(
        _ method: HTTPRequest.Method, _ uri: String, body: String? = nil, key: String? = nil
    ) async throws -> TestReply {
        var headers = HTTPFields()
        if body != nil { headers[.contentType] = "application/json" }
        if let key { headers[.authorization] = "Bearer \(key)" }
        let response = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return TestReply(response)
    }

    /// Creates a pod and returns its id (expects 201).
    func create(
        name: String = "rpa-media-burst-x", gpu: String = "NVIDIA RTX 6000 Ada Generation", count: Int = 1,
        cloud: String = "SECURE", extra: String = ""
    ) async throws -> TestReply {
        let body = """
            {"name":"\(name)","image":"worker:1","gpu":{"id":"\(gpu)","count":\(count)},"cloud":"\(cloud)"\(extra)}
            """
        return try await send(.post, "/v2/pods", body: body)
    }
}
