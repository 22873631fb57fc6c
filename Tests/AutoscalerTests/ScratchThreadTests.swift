import Foundation
import Testing

@testable import Autoscaler

@Suite struct ScratchThreadTests {
    struct JobFailed: Error, Equatable { let code: Int }

    @Test func returnsTheJobsValueFromAnotherThread() throws {
        let caller = pthread_self()
        let (value, ranOn) = try ScratchThread.run { (6 * 7, pthread_self()) }
        #expect(value == 42)
        #expect(pthread_equal(caller, ranOn) == 0)
    }

    @Test func rethrowsTheJobsError() {
        #expect(throws: JobFailed(code: 7)) {
            try ScratchThread.run { () throws -> Int in throw JobFailed(code: 7) }
        }
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

    private func anonymousKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
