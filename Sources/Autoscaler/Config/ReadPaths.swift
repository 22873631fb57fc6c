/// The key paths the reader has read, and every path a read path continues with `.` or `[`
/// (`pools` and `pools[0]` for `pools[0].name`), for telling unknown keys. Kept as hashes of the
/// paths' text: a 1,000-pool file reads some 20,000 paths, and as strings they were a megabyte held
/// through the whole read, between the config's own allocations, and left as holes after it. A hash
/// collision (SipHash, 64 bits, about one in 10^11 at that size) could only hide a misspelt key.
struct ReadPaths {
    private var read: Set<Int> = []
    private var ancestors: Set<Int> = []

    mutating func insert(_ path: String) {
        let bytes = path.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "[") {
                ancestors.insert(Self.key(bytes[..<index]))
            }
            index = bytes.index(after: index)
        }
        read.insert(Self.key(bytes[...]))
    }

    /// Whether `path` itself was read.
    func contains(_ path: String) -> Bool {
        read.contains(Self.key(path.utf8[...]))
    }

    /// Whether some read path lies below `path`.
    func leadsBelow(_ path: String) -> Bool {
        ancestors.contains(Self.key(path.utf8[...]))
    }

    private static func key(_ bytes: Substring.UTF8View) -> Int {
        var hasher = Hasher()
        for byte in bytes { hasher.combine(byte) }
        hasher.combine(bytes.count)
        return hasher.finalize()
    }
}
