import Foundation
import Testing

@testable import Autoscaler

@Suite struct CleanFileMappingTests {
    /// One mapping of each kind, in `/proc/<pid>/smaps`'s layout (fields trimmed to the ones that matter
    /// and a few that do not).
    static let smaps = """
        55d0c0000000-55d0c0200000 r-xp 00001000 08:01 1311 /usr/bin/runpod autoscaler
        Size:               2048 kB
        Rss:                1536 kB
        Anonymous:             0 kB
        Swap:                  0 kB
        Locked:                0 kB
        THPeligible:    0
        VmFlags: rd ex mr mw me
        55d0c0200000-55d0c0210000 r--p 00201000 08:01 1311 /usr/bin/runpod autoscaler
        Rss:                  64 kB
        Anonymous:            16 kB
        Swap:                  0 kB
        55d0c0210000-55d0c0220000 rw-p 00211000 08:01 1311 /usr/bin/runpod autoscaler
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000000000-7f0000100000 rw-p 00000000 00:00 0
        Rss:                1024 kB
        Anonymous:          1024 kB
        7f0000100000-7f0000110000 r--s 00000000 08:01 99 /dev/shm/shared
        Rss:                  64 kB
        Anonymous:             0 kB
        7f0000110000-7f0000120000 r-xp 00000000 08:01 77 /usr/lib/libcold.so
        Rss:                   0 kB
        Anonymous:             0 kB
        7f0000120000-7f0000130000 r--p 00000000 08:01 78 /usr/lib/libswapped.so
        Rss:                  32 kB
        Anonymous:             0 kB
        Swap:                  4 kB
        7f0000130000-7f0000140000 r-xp 00000000 08:01 79 /usr/lib/liblocked.so
        Rss:                  64 kB
        Anonymous:             0 kB
        Locked:               64 kB
        7f0000140000-7f0000150000 r--p 00000000 08:01 80 /usr/lib/libunreadable.so
        Rss:                  64 kB
        Anonymous:          many kB
        ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]
        Rss:                   4 kB
        Anonymous:             0 kB
        7f0000150000-7f0000160000 r--p 00004000 08:01 81 /usr/lib/liblast.so
        Rss:                  12 kB
        Anonymous:             0 kB
        """

    @Test func findsOnlyPrivateUnwrittenFileMappingsWithPagesIn() {
        let found = CleanFileMapping.parse(smaps: Array(Self.smaps.utf8))
        #expect(
            found == [
                CleanFileMapping(start: 0x55d0_c000_0000, end: 0x55d0_c020_0000, residentKiB: 1536),
                CleanFileMapping(start: 0x7f00_0015_0000, end: 0x7f00_0016_0000, residentKiB: 12),
            ])
    }

    @Test func garbageGivesNothing() {
        #expect(CleanFileMapping.parse(smaps: []) == [])
        #expect(
            CleanFileMapping.parse(smaps: Array("not smaps\nRss: 4 kB\nzz-yy r-xp 0 0 1 /x\nRss: 4 kB\n".utf8)) == [])
        // A range that runs backwards, and perms too short to read.
        let odd = "2000-1000 r-xp 0 08:01 5 /x\nRss: 4 kB\n3000-4000 r 0 08:01 5 /y\nRss: 4 kB\n"
        #expect(CleanFileMapping.parse(smaps: Array(odd.utf8)) == [])
    }

    /// Against the kernel's own file: everything found is, by its header line in the same text, a private
    /// mapping without write permission and with an inode, and this test binary's code is among it. (One
    /// reading: tests running beside this one map and unmap memory all the time.)
    @Test func theTestProcessesOwnSmaps() throws {
        let smaps = try #require(StartupCodePages.withContents(ofProcFile: "/proc/self/smaps") { Array($0) })
        let found = CleanFileMapping.parse(smaps: smaps)
        var byStart: [UInt: [Substring]] = [:]
        for line in String(decoding: smaps, as: UTF8.self).split(separator: "\n") {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 5, let range = words.first, range.contains("-"), !range.hasSuffix(":") else {
                continue
            }
            if let start = UInt(range.split(separator: "-")[0], radix: 16) { byStart[start] = words }
        }
        #expect(!found.isEmpty)
        for mapping in found {
            let words = try #require(byStart[mapping.start])
            #expect(!words[1].contains("w") && words[1].hasSuffix("p") && words[4] != "0")
            #expect(mapping.residentKiB > 0 && mapping.end > mapping.start)
        }
        let here = UInt(bitPattern: unsafeBitCast(Self.codeAddress, to: UnsafeRawPointer.self))
        #expect(found.contains { $0.start <= here && here < $0.end })
    }

    static let codeAddress: @convention(c) () -> Void = {}
}
