import Foundation
import Testing

@testable import RunPodEmulator

@Suite struct ConfigurationTests {
    @Test func defaults() {
        let config = EmulatorConfiguration()
        #expect(config.listen == "127.0.0.1:19080")
        #expect(config.apiKey == nil)
        #expect(config.provisioningSeconds == 2)
        #expect(config.startingSeconds == 3)
        #expect(config.capacity.count == 7)
        #expect(config.capacity.values.allSatisfy { $0 == ["SECURE": 16, "COMMUNITY": 16] })
        #expect(config.prices["NVIDIA RTX 6000 Ada Generation"] == 0.69)
        #expect(config.prices["NVIDIA GeForce RTX 4090"] == 0.59)
        #expect(config.faults.isEmpty)
    }

    @Test func loadsEveryKey() throws {
        let yaml = """
            listen: 0.0.0.0:0
            apiKey: k1
            provisioningSeconds: 0.5
            startingSeconds: 1
            legacyNoCapacityErrors: true
            seed: 9
            capacity:
              NVIDIA L40S: {SECURE: 2, COMMUNITY: 0}
            prices:
              NVIDIA L40S: 0.99
            faults:
              - kind: rateLimited
                operations: [create, list]
                count: 2
                retryAfterSeconds: 5
              - {kind: slow, share: 0.25, delaySeconds: 1.5}
            quirks: {goTimestamps: true, costAsString: false}
            """
        let config = try EmulatorConfiguration.load(yaml: yaml, origin: "emulator.yaml")
        #expect(config.listen == "0.0.0.0:0")
        #expect(config.apiKey == "k1")
        #expect(config.provisioningSeconds == 0.5)
        #expect(config.startingSeconds == 1)
        #expect(config.legacyNoCapacityErrors)
        #expect(config.seed == 9)
        #expect(config.capacity["NVIDIA L40S"] == ["SECURE": 2, "COMMUNITY": 0])
        #expect(config.capacity["NVIDIA H200"] == ["SECURE": 16, "COMMUNITY": 16])
        #expect(config.prices["NVIDIA L40S"] == 0.99)
        #expect(config.prices["NVIDIA H200"] == 3.59)
        #expect(
            config.faults == [
                FaultRule(kind: .rateLimited, operations: ["create", "list"], count: 2, retryAfterSeconds: 5),
                FaultRule(kind: .slow, share: 0.25, delaySeconds: 1.5),
            ])
        #expect(config.quirks == EmulatorQuirks(goTimestamps: true))
    }

    @Test(arguments: ["", "# nothing\n", "~"])
    func anEmptyDocumentIsTheDefaults(yaml: String) throws {
        let config = try EmulatorConfiguration.load(yaml: yaml, origin: "e.yaml")
        #expect(config.listen == "127.0.0.1:19080")
    }

    @Test(arguments: [
        ("listn: 1.2.3.4:5", "listn", "unknown key", true),
        ("quirks: {goTimestamp: true}", "quirks.goTimestamp", "unknown key", true),
        ("capacity: {NVIDIA L40S: {PRIVATE: 1}}", "capacity.NVIDIA L40S.PRIVATE", "unknown key", true),
        ("capacity: {NVIDIA L40: {SECURE: 1}}", "capacity.NVIDIA L40", "unknown GPU type", false),
        ("capacity: {NVIDIA L40S: {SECURE: -1}}", "capacity.NVIDIA L40S.SECURE", "must be at least 0", false),
        ("prices: {NVIDIA L40S: cheap}", "prices.NVIDIA L40S", "expected a number", false),
        ("listen: localhost", "listen", "expected host:port", false),
        ("listen: localhost:99999", "listen", "port from 0 to 65535", false),
        ("startingSeconds: -1", "startingSeconds", "must be at least 0", false),
        ("legacyNoCapacityErrors: maybe", "legacyNoCapacityErrors", "expected true or false", false),
        ("faults: [{kind: slow}, {kind: slow, share: 2}]", "faults[1].share", "must be between 0 and 1", false),
        ("faults: [{kind: slow, colour: red}]", "faults[0].colour", "unknown key", true),
        ("faults: {kind: slow}", "faults", "expected a list", false),
    ])
    func errorsNameOriginKeyAndReason(yaml: String, key: String, reason: String, unknown: Bool) {
        #expect {
            try EmulatorConfiguration.load(yaml: yaml, origin: "emulator.yaml")
        } throws: { error in
            guard let error = error as? EmulatorConfigurationError else { return false }
            return error.origin == "emulator.yaml" && error.key == key && error.reason.contains(reason)
                && error.isUnknownKey == unknown && "\(error)".hasPrefix("emulator.yaml: \(key): ")
        }
    }

    @Test func invalidYAMLNamesTheOrigin() {
        #expect {
            try EmulatorConfiguration.load(yaml: "a: [1", origin: "broken.yaml")
        } throws: { error in
            "\(error)".hasPrefix("broken.yaml: not valid YAML")
        }
    }

    @Test func aQuotedNumberIsAString() {
        #expect(throws: EmulatorConfigurationError.self) {
            try EmulatorConfiguration.load(yaml: #"startingSeconds: "3""#, origin: "e.yaml")
        }
    }
}
