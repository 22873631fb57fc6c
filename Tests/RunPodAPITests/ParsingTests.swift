import Foundation
import Primitives
import Testing

@testable import RunPodAPI

@Suite("Timestamps, Retry-After and statuses parse leniently")
struct ParsingTests {
    @Test(arguments: [
        ("2026-03-13T20:00:00Z", 1_773_432_000.0),
        ("2026-03-13T20:00:00.5Z", 1_773_432_000.5),
        ("2026-03-13T20:00:00.123456789Z", 1_773_432_000.123456789),
        ("2026-03-13T22:00:00+02:00", 1_773_432_000.0),
        ("2026-03-13T15:00:00-0500", 1_773_432_000.0),
        ("2026-03-13 20:00:00 +0000 UTC", 1_773_432_000.0),
        ("2026-03-13 20:00:00.250 +0000 UTC", 1_773_432_000.25),
        ("2026-03-13 21:00:00.250 +0100 CET", 1_773_432_000.25),
        ("2026-03-13 20:00:00.25 +0000 UTC m=+0.000123", 1_773_432_000.25),
        ("2026-03-13 23:00:00 +0300 +03", 1_773_432_000.0),
        ("2026-03-13T20:00:00", 1_773_432_000.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func timestamps(_ text: String, _ expected: Double) throws {
        let date = try #require(RFC3339Timestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - expected) < 0.000_001, "\(text)")
    }

    @Test(arguments: [
        "", "yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-03-13T20:00", "2026-03-13 20:00:00 CET",
        "2026-03-13T20:00:00Z trailing", "2026-03-13T20:00:00Z UTCWHATEVER",
    ])
    func invalidTimestamps(_ text: String) {
        #expect(RFC3339Timestamp.parse(text) == nil)
    }

    @Test func retryAfter() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.seconds(from: "12", now: now) == 12)
        #expect(RetryAfter.seconds(from: " 0 ", now: now) == 0)
        #expect(RetryAfter.seconds(from: "1.5", now: now) == 1.5)
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:50:07 GMT", now: now) == 30)
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:00 GMT", now: now) == 0)
        #expect(RetryAfter.seconds(from: "-3", now: now) == nil)
        #expect(RetryAfter.seconds(from: "soon", now: now) == nil)
    }

    @Test func podStatusNeverFails() {
        #expect(RunPodPodStatus(rawValue: "RUNNING") == .running)
        #expect(RunPodPodStatus(rawValue: "exited") == .exited)
        #expect(RunPodPodStatus(rawValue: "PROVISIONING") == .provisioning)
        #expect(RunPodPodStatus(rawValue: "DEAD") == .other("DEAD"))
        #expect(RunPodPodStatus(rawValue: "DEAD").description == "DEAD")
        #expect(RunPodPodStatus.terminated.rawValue == "TERMINATED")
    }

    @Test func kindsDescribeThemselves() {
        let kinds: [RunPodError.Kind] = [
            .noCapacity, .rateLimited, .unauthorized, .forbidden, .paymentRequired, .notFound, .conflict,
            .invalidRequest, .serverError, .transport, .decoding,
        ]
        #expect(Set(kinds).count == kinds.count)
        #expect(kinds.map(\.description).contains("noCapacity"))
    }

    /// FuzzRunPodJSON: a GPU count or memory of `1e300` (a number or a numeric string) trapped converting to Int.
    @Test func countsNoIntHoldsReadAsUnknown() throws {
        let list =
            #"{"pods":[{"id":"a","gpu":{"count":1e300}},{"id":"b","gpu":{"count":"-1e300"}},{"id":"c","gpu":{"count":2.0}}]}"#
        let pods = try JSONDecoder().decode(PodListDocument.self, from: Data(list.utf8))
        #expect(pods.pods.map(\.pod.gpuCount) == [1, 1, 2], "the schema's default 1 for a count that is no count")
        let catalog = try JSONDecoder().decode(
            GPUCatalogDocument.self, from: Data(#"{"gpus":[{"id":"x","memory":"1e300"},{"id":"y","memory":48}]}"#.utf8))
        #expect(catalog.gpus.map(\.gpuType.memoryGB) == [nil, 48])
    }

    /// `ssh.direct` (the pod's public IP and the port mapped to 22) as the v2 `Pod` reports it; null, missing or
    /// malformed reads as no address.
    @Test func directSSHAddress() throws {
        let list = #"""
            {"pods":[
              {"id":"a","ssh":{"proxy":{"host":"ssh.runpod.io","port":22,"username":"a-1","command":"ssh a-1@ssh.runpod.io"},
                               "direct":{"host":"203.0.113.9","port":22017,"username":"root","command":"ssh root@203.0.113.9 -p 22017"}}},
              {"id":"b","ssh":{"proxy":null,"direct":null}},
              {"id":"c"},
              {"id":"d","ssh":{"direct":{"host":"203.0.113.9","port":"x"}}},
              {"id":"e","ssh":"nonsense"}
            ]}
            """#
        let pods = try JSONDecoder().decode(PodListDocument.self, from: Data(list.utf8)).pods.map(\.pod)
        #expect(pods[0].sshDirect == RunPodSSHEndpoint(host: "203.0.113.9", port: 22017, username: "root"))
        #expect(pods.dropFirst().allSatisfy { $0.sshDirect == nil })
    }
}
