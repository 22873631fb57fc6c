import Foundation
import Testing

@testable import Autoscaler

/// The RunPod API key goes to `runpod.endpoint` and to the emulator: over plain http only to loopback.
@Suite struct EndpointSecurityTests {
    static let key = "rpa-LIVE-KEY-do-not-print"
    static let pools = """
        pools:
          - name: burst
            namespace: media
            template: {image: "worker:1"}
        """

    func load(_ settings: [String]) throws(ConfigError) -> AutoscalerConfig {
        try ConfigLoader.load(
            yaml: Self.pools, origin: "test.yaml", environment: ["RUNPOD_API_KEY": Self.key], settings: settings)
    }

    func refusal(_ settings: [String]) -> ConfigError? {
        do {
            _ = try load(settings)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        "https://api.runpod.io", "HTTPS://rest.runpod.io/v2", "http://127.0.0.1:19080", "http://127.9.9.9",
        "http://localhost:8080", "HTTP://LOCALHOST", "http://[::1]:8080", "http://[0:0:0:0:0:0:0:1]", "emulator",
    ])
    func accepted(_ endpoint: String) throws {
        #expect(try load(["runpod.endpoint=\(endpoint)"]).runpod.endpoint == endpoint)
    }

    @Test(arguments: [
        "http://api.runpod.io", "HTTP://api.runpod.io", "http://10.1.2.3:19080", "http://127.0.0.1.evil.com",
        "http://localhost@evil.com", "http://localhost:19080@evil.com/v2", "http://evil.com\\@127.0.0.1",
        "http://127.1", "http://0.0.0.0:19080", "http://[::ffff:127.0.0.1]", "http://localhost.",
    ])
    func refused(_ endpoint: String) throws {
        let error = try #require(refusal(["runpod.endpoint=\(endpoint)"]))
        #expect(error.key == "runpod.endpoint")
        #expect(
            error.reason.contains("plain http would carry the RunPod API key in clear text")
                || error.reason.contains("not a valid http(s) URL"), "\(error)")
        #expect(error.reason.contains("loopback") || error.reason.contains("not a valid"))
        #expect(!error.description.contains(Self.key))
    }

    @Test func theErrorSaysWhereAndWhy() throws {
        let error = try #require(refusal(["runpod.endpoint=http://user:hunter2@runpod.internal:8080/v2"]))
        #expect(
            error.description
                == "test.yaml: runpod.endpoint: plain http would carry the RunPod API key in clear text to "
                + "runpod.internal; it is allowed only to loopback (127.0.0.0/8, ::1, localhost): use https://")
        #expect(!error.description.contains("hunter2"), "user info is never repeated")
    }

    @Test func otherSchemesAreStillRefusedAsBefore() throws {
        let error = try #require(refusal(["runpod.endpoint=ftp://api.runpod.io"]))
        #expect(error.key == "runpod.endpoint" && error.reason.contains("expected an http(s):// URL"))
    }

    @Test(arguments: ["127.0.0.1:0", "localhost:19080", "[::1]:19080", "0.0.0.0:19080", "[::]:19080"])
    func emulatorListensWhereItIsDialledOverLoopback(_ listen: String) throws {
        let config = try load(["runpod.endpoint=emulator", "runpod.emulator.listen=\(listen)"])
        #expect(config.runpod.emulatorListen == listen)
    }

    @Test(arguments: ["10.0.0.5:19080", "emulator.internal:19080", "127.0.0.1.evil.com:19080"])
    func emulatorOnAnotherMachineIsRefused(_ listen: String) throws {
        for endpoint in ["emulator", "https://api.runpod.io"] {
            let error = try #require(refusal(["runpod.endpoint=\(endpoint)", "runpod.emulator.listen=\(listen)"]))
            #expect(error.key == "runpod.emulator.listen")
            #expect(error.reason.contains("plain http with the API key"))
            #expect(!error.description.contains(Self.key))
        }
    }

    @Test func wildcardListenersAreDialledOnLoopback() {
        #expect(ListenAddress.dialHost(of: "0.0.0.0:19080") == "127.0.0.1")
        #expect(ListenAddress.dialHost(of: "[::]:19080") == "[::1]")
        #expect(ListenAddress.dialHost(of: "127.0.0.1:0") == "127.0.0.1")
        #expect(ListenAddress.dialHost(of: "localhost:9") == "localhost")
    }
}
