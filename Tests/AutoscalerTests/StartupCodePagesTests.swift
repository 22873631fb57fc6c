import Foundation
import Testing

@testable import Autoscaler

/// `StartupCodePages.release()` on this very process: clean file pages leave it and read back the
/// same; pages written in a private file mapping (as the loader's relocations are) stay.
@Suite(.serialized) struct StartupCodePagesTests {
    static let pageBytes = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// A file of `pages` pages, each filled with its own number.
    static func makeFile(pages: Int) throws -> (URL, Data) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("startup-pages-\(UUID().uuidString)")
        var data = Data()
        for page in 0..<pages { data.append(Data(repeating: UInt8(page % 251), count: pageBytes)) }
        try data.write(to: url)
        return (url, data)
    }

    /// `body` gets the mapping (`protection`, private) of the file's whole length.
    static func withMapping<T>(
        of url: URL, bytes: Int, protection: Int32, _ body: (UnsafeMutableRawPointer) throws -> T
    ) throws -> T {
        let descriptor = open(url.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let mapped = try #require(mmap(nil, bytes, protection, MAP_PRIVATE, descriptor, 0))
        try #require(mapped != MAP_FAILED)
        defer { munmap(mapped, bytes) }
        return try body(mapped)
    }

    /// The resident KiB of the mapping that starts at `start`, from `/proc/self/smaps`.
    static func residentKiB(of start: UnsafeMutableRawPointer) throws -> Int {
        let smaps = String(
            decoding: try #require(StartupCodePages.withContents(ofProcFile: "/proc/self/smaps") { Array($0) }),
            as: UTF8.self)
        let header = String(UInt(bitPattern: start), radix: 16) + "-"
        let lines = smaps.split(separator: "\n")
        let index = try #require(lines.firstIndex { $0.hasPrefix(header) })
        let rss = try #require(lines[(index + 1)...].first { $0.hasPrefix("Rss:") })
        return try #require(Int(rss.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }

    /// A clean mapping of a file that is no loaded object stays whole: it may be unmapped at any time and its
    /// addresses reused, so only the loader's objects (held loaded while their pages go) are touched.
    @Test func onlyLoadedObjectsPagesGo() throws {
        let (url, data) = try Self.makeFile(pages: 64)
        defer { try? FileManager.default.removeItem(at: url) }
        try Self.withMapping(of: url, bytes: data.count, protection: PROT_READ) { mapped in
            let bytes = UnsafeRawBufferPointer(start: mapped, count: data.count)
            #expect(Data(bytes) == data)
            let residentBefore = try Self.residentKiB(of: mapped)
            let dropped = StartupCodePages.release()
            let residentAfter = try Self.residentKiB(of: mapped)
            #expect(residentBefore == data.count / 1024)
            #expect(residentAfter == residentBefore)
            // The test binary's and its libraries' start-up code was resident.
            #expect(dropped > 0)
            #expect(Data(bytes) == data)
        }
    }

    /// Every segment reported is whole pages of some loaded object, and among them are this binary's code
    /// and libc's.
    @Test func loadedSegmentsHoldTheCode() throws {
        var segments: [(UInt, UInt)] = []
        #expect(LoadedCodeSegments.forEach { segments.append(($0, $1)) })
        let page = UInt(Self.pageBytes)
        #expect(segments.allSatisfy { $0.0 < $0.1 && $0.0 % page == 0 && $0.1 % page == 0 })
        let here = UInt(bitPattern: unsafeBitCast(CleanFileMappingTests.codeAddress, to: UnsafeRawPointer.self))
        let strlenAddress = UInt(bitPattern: try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "strlen")))
        #expect(segments.contains { $0.0 <= here && here < $0.1 })
        #expect(segments.contains { $0.0 <= strlenAddress && strlenAddress < $0.1 })
    }

    /// A private mapping written and then made read-only (what the loader does to relocated data) is
    /// left whole: its written pages exist nowhere else.
    @Test func writtenPagesStay() throws {
        let (url, data) = try Self.makeFile(pages: 8)
        defer { try? FileManager.default.removeItem(at: url) }
        try Self.withMapping(of: url, bytes: data.count, protection: PROT_READ | PROT_WRITE) { mapped in
            mapped.storeBytes(of: 0xA5A5_A5A5, toByteOffset: 3 * Self.pageBytes + 8, as: UInt32.self)
            _ = UnsafeRawBufferPointer(start: mapped, count: data.count).reduce(0) { $0 &+ Int($1) }
            try #require(mprotect(mapped, data.count, PROT_READ) == 0)
            let before = try Self.residentKiB(of: mapped)
            StartupCodePages.release()
            let after = try Self.residentKiB(of: mapped)
            #expect(after == before)
            #expect(mapped.load(fromByteOffset: 3 * Self.pageBytes + 8, as: UInt32.self) == 0xA5A5_A5A5)
            var expected = data
            expected.replaceSubrange(
                (3 * Self.pageBytes + 8)..<(3 * Self.pageBytes + 12), with: [0xA5, 0xA5, 0xA5, 0xA5])
            #expect(Data(UnsafeRawBufferPointer(start: mapped, count: data.count)) == expected)
        }
    }

    /// The process goes on as before: Foundation's code, dropped with the rest, runs again.
    @Test func theProcessRunsOn() throws {
        StartupCodePages.release()
        let decoded = try JSONDecoder().decode([String: [Int]].self, from: Data(#"{"a":[1,2,3]}"#.utf8))
        #expect(decoded == ["a": [1, 2, 3]])
        #expect(String(format: "%05.1f", 3.14159) == "003.1")
    }
}
