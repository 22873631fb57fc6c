import Foundation
import Logging
import Testing

@testable import Autoscaler

@Suite(.serialized) struct StartupMemoryReleaseTests {
    /// Log lines of one test.
    final class Lines: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Recorder: LogHandler {
        let lines: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let moment = event.metadata?["moment"].map { "\($0)" } ?? ""
            let dropped = event.metadata?["filePagesDroppedKiB"].map { "\($0)" } ?? ""
            lines.append("\(event.message) \(moment) \(dropped)")
        }
    }

    /// Nothing before start-up settles; then a release at once and one more after the delay; and the
    /// part keeps running (a service that ended would stop the group) until cancelled.
    @Test func releasesWhenSettledAndOnceMoreLater() async throws {
        let lines = Lines()
        let settling = StartupSettling(waitingFor: [.grpcServing, .firstReconcilePass])
        var release = StartupMemoryRelease(
            settling: settling, logger: Logger(label: "test") { _ in Recorder(lines: lines) })
        release.secondReleaseAfter = .milliseconds(200)
        let running = Task { [release] in await release.run() }
        settling.reached(.grpcServing)
        try await Task.sleep(for: .milliseconds(50))
        #expect(lines.all.isEmpty)
        settling.reached(.firstReconcilePass)
        for _ in 0..<200 where lines.all.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        let seen = lines.all
        #expect(seen.count == 2)
        #expect(seen.first?.hasPrefix("start-up memory given back start-up settled ") == true)
        #expect(seen.last?.hasPrefix("start-up memory given back a minute after start-up ") == true)
        // Some of this test process's clean file pages were resident to drop.
        #expect(seen.allSatisfy { Int($0.split(separator: " ").last ?? "") ?? 0 > 0 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(lines.all.count == 2)
        running.cancel()
        await running.value
    }

    @Test func cancelledBeforeSettlingReleasesNothing() async {
        let lines = Lines()
        let settling = StartupSettling(waitingFor: [.grpcServing])
        let release = StartupMemoryRelease(
            settling: settling, logger: Logger(label: "test") { _ in Recorder(lines: lines) })
        let running = Task { await release.run() }
        running.cancel()
        await running.value
        #expect(lines.all.isEmpty)
    }
}
