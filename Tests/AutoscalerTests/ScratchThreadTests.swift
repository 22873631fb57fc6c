import Foundation
import Testing

@testable import Autoscaler

@Suite struct ScratchThreadTests {
    struct JobFailed: Error, Equatable { let code: Int }

    @Test func buildsOnAnotherThreadAndUsesOnTheCallers() throws {
        let caller = pthread_self()
        let (value, builtOn, usedOn) = ScratchThread.run({ (6 * 7, pthread_self()) }) { built in
            (built.0, built.1, pthread_self())
        }
        #expect(value == 42)
        #expect(pthread_equal(caller, builtOn) == 0)
        #expect(pthread_equal(caller, usedOn) != 0)
    }

    @Test func rethrowsWhatUseThrows() {
        #expect(throws: JobFailed(code: 7)) {
            try ScratchThread.run({ 7 }) { (code: Int) throws(JobFailed) -> Int in throw JobFailed(code: code) }
        }
    }

    /// The caller's use is the structure's last: once `run` returns it has been freed (on the caller's
    /// thread, before the scratch thread trims its arena).
    @Test func theStructureIsGoneWhenRunReturns() {
        final class Box: Sendable {}
        weak var seen: Box?
        let count = ScratchThread.run({ [Box(), Box()] }) { boxes in
            seen = boxes[0]
            return boxes.count
        }
        #expect(count == 2)
        #expect(seen == nil)
    }

    /// A hole of whole free pages in the middle of the heap (a block still allocated above it)
    /// goes back to the system: the process's anonymous memory drops by most of it.
    @Test func freeHeapPagesHandsBackAHole() throws {
        let blockBytes = 96 * 1024  // below glibc's mmap threshold: served from an arena
        var blocks = (0..<256).map { _ in UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: 16) }
        for block in blocks { block.initializeMemory(as: UInt8.self, repeating: 1, count: blockBytes) }
        let keep = blocks.removeLast()
        defer { keep.deallocate() }
        for block in blocks { block.deallocate() }
        let before = try anonymousKiB()
        #expect(FreeHeapPages.release())
        let after = try anonymousKiB()
        // 24 MiB were freed; other tests allocate meanwhile, so ask for a third of it.
        #expect(before - after >= 8 * 1024, "RssAnon \(before) -> \(after) KiB")
    }

    /// After the first pass, whole free pages go back after a pass at most once a minute.
    @Test func freePagesGoBackAfterAPassAtMostOnceAMinute() {
        let released = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(!PodReconciler.releasesFreePages(now: released, lastReleased: released))
        #expect(!PodReconciler.releasesFreePages(now: released.addingTimeInterval(59), lastReleased: released))
        #expect(PodReconciler.releasesFreePages(now: released.addingTimeInterval(60), lastReleased: released))
    }

    private func anonymousKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
