/// The key paths the reader has read, and every path a read path continues with `.` or `[`
/// (`pools` and `pools[0]` for `pools[0].name`), for telling unknown keys. Kept as hashes of the
/// paths' text: a 1,000-pool file reads some 20,000 paths, and as strings they were a megabyte held
/// through the whole read, between the config's own allocations, and left as holes after it. A hash
/// collision (SipHash, 64 bits, about one in 10^11 at that size) could only hide a misspelt key.
struct ReadPaths {
    private var read: Set<Int> = []
    private var ancestors: Set<Int> = []

    /// One pass over the path: the running hash, copied at each `.` or `[`, is its prefix's key.
    mutating func insert(_ path: String) {
        var hasher = Hasher()
        var count = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "[") {
                ancestors.insert(Self.finish(hasher, count: count))
            }
            hasher.combine(byte)
            count += 1
        }
        read.insert(Self.finish(hasher, count: count))
    }

    /// Whether `path` itself was read.
    func contains(_ path: String) -> Bool {
        read.contains(Self.key(path))
    }

    /// Whether some read path lies below `path`.
    func leadsBelow(_ path: String) -> Bool {
        ancestors.contains(Self.key(path))
    }

    private static func key(_ path: String) -> Int {
        var hasher = Hasher()
        for byte in path.utf8 { hasher.combine(byte) }
        return finish(hasher, count: path.utf8.count)
    }

    /// The key of the bytes `hasher` has combined, `count` of them.
    private static func finish(_ hasher: Hasher, count: Int) -> Int {
        var hasher = hasher
        hasher.combine(count)
        return hasher.finalize()
    }
}
