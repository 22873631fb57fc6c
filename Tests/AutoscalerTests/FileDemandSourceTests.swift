import Foundation
import Testing

@testable import Autoscaler

@Suite struct FileDemandSourceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func parsesBothFields() throws {
        let reading = try FileDemandSource.parse(Data(#"{"queueDepth": 42, "latencyP95Seconds": 12.5}"#.utf8), now: now)
        #expect(reading.queueDepth == 42)
        #expect(reading.latencyP95Seconds == 12.5)
        #expect(reading.readAt == now)
    }

    @Test func latencyIsOptional() throws {
        #expect(try FileDemandSource.parse(Data(#"{"queueDepth": 0}"#.utf8), now: now).latencyP95Seconds == 0)
    }

    @Test(arguments: [
        ("", "JSON object"),
        ("[1]", "JSON object"),
        (#"{"latencyP95Seconds": 1}"#, "queueDepth"),
        (#"{"queueDepth": "5"}"#, "queueDepth"),
        (#"{"queueDepth": true}"#, "queueDepth"),
        (#"{"queueDepth": -1}"#, "queueDepth"),
        (#"{"queueDepth": 1.5}"#, "queueDepth"),
        (#"{"queueDepth": 1, "latencyP95Seconds": "slow"}"#, "latencyP95Seconds"),
        (#"{"queueDepth": 1, "latencyP95Seconds": -2}"#, "latencyP95Seconds"),
    ])
    func rejectsBadFilesSayingWhy(text: String, mention: String) {
        #expect {
            try FileDemandSource.parse(Data(text.utf8), now: now)
        } throws: { error in
            "\(error)".contains(mention)
        }
    }

    @Test func readsTheFileAndNoticesChanges() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("demand-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: path) }
        let source = FileDemandSource(path: path.path)
        #expect(source.changeToken() == "missing")
        await #expect(throws: DemandSourceError.self) { try await source.read(now: now) }
        try Data(#"{"queueDepth": 7}"#.utf8).write(to: path)
        let first = source.changeToken()
        #expect(try await source.read(now: now).queueDepth == 7)
        try Data(#"{"queueDepth": 700}"#.utf8).write(to: path)
        #expect(source.changeToken() != first)
        #expect(try await source.read(now: now).queueDepth == 700)
    }
}
