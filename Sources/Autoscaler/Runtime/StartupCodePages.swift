#if canImport(Glibc)
    import Glibc
#endif

/// Drops from this process the pages of its clean file mappings (code and read-only data of the
/// binary and its libraries) once start-up is over. Start-up runs code that is never needed
/// again (the config's reading, the argument parser, the libraries' initialisers, the first
/// snapshots), and the kernel maps 64 KiB around every page fault on a file, so about two thirds
/// of the process's resident memory at that point is file pages that nothing will touch again.
/// The pages stay in the page cache (the kernel reclaims them when memory is short) and the ones
/// still used come back with the next touch, as after reclaim: what stays resident is the
/// working set. Written (anonymous) pages are never dropped: only mappings without any are, and of
/// those only the read-only segments of the executable and its libraries.
enum StartupCodePages {
    /// - Returns: the resident KiB of the mappings dropped; 0 where `/proc/self/smaps` is not readable.
    @discardableResult
    static func release() -> Int {
        #if os(Linux)
            let mappings = withContents(ofProcFile: "/proc/self/smaps") { CleanFileMapping.parse(smaps: $0) } ?? []
            var dropped = 0
            var counted = Set<UInt>()
            // Only the parts of clean mappings that are loaded objects' read-only segments, dropped while the
            // loader's lock holds them loaded: any other mapping may be unmapped after smaps was read and its
            // addresses reused for memory of value (dropping that would zero it).
            LoadedCodeSegments.forEach { start, end in
                for mapping in mappings where mapping.start < end && start < mapping.end {
                    let (low, high) = (max(start, mapping.start), min(end, mapping.end))
                    guard madvise(UnsafeMutableRawPointer(bitPattern: low), Int(high - low), MADV_DONTNEED) == 0
                    else { continue }
                    if counted.insert(mapping.start).inserted { dropped += mapping.residentKiB }
                }
            }
            return dropped
        #else
            return 0
        #endif
    }

    /// The most a proc file may hold here (smaps: about 1 KiB a mapping, a few hundred mappings).
    static let procFileLimit = 16 << 20

    /// `body` of a proc file's bytes (its size is not known ahead: `stat` reports 0, and Foundation's
    /// readers stop after the first read); nil when it cannot be read whole. The bytes are read into
    /// pages mapped for the purpose, not the heap: a half-megabyte `malloc` would move glibc's mmap and
    /// trim thresholds for the rest of the process's life.
    static func withContents<Result>(
        ofProcFile path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result? {
        #if os(Linux)
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            defer { close(descriptor) }
            // Address space only: pages are made as the reads reach them.
            let region = mmap(
                nil, procFileLimit, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
            guard let region, region != MAP_FAILED else { return nil }
            defer { munmap(region, procFileLimit) }
            let bytes = region.assumingMemoryBound(to: UInt8.self)
            var count = 0
            while count < procFileLimit {
                let got = read(descriptor, bytes + count, procFileLimit - count)
                if got < 0, errno == EINTR { continue }
                guard got >= 0 else { return nil }
                if got == 0 { return body(UnsafeBufferPointer(start: bytes, count: count)) }
                count += got
            }
            return nil
        #else
            return nil
        #endif
    }
}
