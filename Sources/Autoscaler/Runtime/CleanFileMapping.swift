/// A mapping of a file into this process that holds nothing of its own: private, never writable
/// and with no written (anonymous) or swapped page, such as a library's code or read-only data.
/// Its pages can be dropped from the process at any time and come back from the page cache
/// unchanged when touched again, exactly as when the kernel reclaims them.
struct CleanFileMapping: Equatable {
    let start: UInt
    let end: UInt
    /// Resident pages of the mapping when `/proc/self/smaps` was read.
    let residentKiB: Int

    /// The clean file mappings listed in the text of `/proc/<pid>/smaps`.
    static func parse(smaps: [UInt8]) -> [CleanFileMapping] {
        smaps.withUnsafeBufferPointer { parse(smaps: $0) }
    }

    /// The clean file mappings listed in the text of `/proc/<pid>/smaps`.
    static func parse(smaps: UnsafeBufferPointer<UInt8>) -> [CleanFileMapping] {
        var found: [CleanFileMapping] = []
        var current: Candidate?
        var lineStart = 0
        while lineStart < smaps.count {
            var lineEnd = lineStart
            while lineEnd < smaps.count, smaps[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            let line = UnsafeBufferPointer(rebasing: smaps[lineStart..<lineEnd])
            lineStart = lineEnd + 1
            guard let first = line.first else { continue }
            if isHexDigit(first) {
                // A new mapping's header: "start-end perms offset dev inode [path]".
                if let done = current?.mapping { found.append(done) }
                current = Candidate(header: line)
            } else if current != nil {
                current!.read(field: line)
            }
        }
        if let done = current?.mapping { found.append(done) }
        return found
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    /// A header that qualified, until its fields say otherwise.
    private struct Candidate {
        var start: UInt = 0
        var end: UInt = 0
        var qualifies = false
        var residentKiB = 0
        var holdsOwnPages = false

        init(header: UnsafeBufferPointer<UInt8>) {
            let words = header.split(separator: UInt8(ascii: " "), maxSplits: 5, omittingEmptySubsequences: true)
            guard words.count >= 5 else { return }
            let range = words[0].split(separator: UInt8(ascii: "-"))
            guard range.count == 2, let low = Self.hex(range[0]), let high = Self.hex(range[1]), low < high,
                words[1].count >= 4
            else { return }
            let perms = Array(words[1].prefix(4))
            let inode = words[4]
            (start, end) = (low, high)
            // Private ("p"), never writable, and backed by a file (an inode other than 0).
            qualifies =
                perms[1] != UInt8(ascii: "w") && perms[3] == UInt8(ascii: "p")
                && !inode.elementsEqual([UInt8(ascii: "0")])
        }

        mutating func read(field line: UnsafeBufferPointer<UInt8>) {
            guard qualifies, let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
            let name = line[..<colon]
            let kib = Self.decimal(line[(colon + 1)...])
            if name.elementsEqual("Rss".utf8) {
                residentKiB = kib ?? 0
            } else if name.elementsEqual("Anonymous".utf8) || name.elementsEqual("Swap".utf8)
                || name.elementsEqual("Locked".utf8)
            {
                // Written pages would be lost; locked ones cannot go. An unreadable figure counts as some.
                if kib != 0 { holdsOwnPages = true }
            }
        }

        var mapping: CleanFileMapping? {
            guard qualifies, !holdsOwnPages, residentKiB > 0 else { return nil }
            return CleanFileMapping(start: start, end: end, residentKiB: residentKiB)
        }

        private static func hex(_ digits: some Collection<UInt8>) -> UInt? {
            guard !digits.isEmpty, digits.count <= 16 else { return nil }
            var value: UInt = 0
            for byte in digits {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                value = value << 4 | UInt(digit)
            }
            return value
        }

        /// The number in " 1234 kB".
        private static func decimal(_ text: some Collection<UInt8>) -> Int? {
            var value = 0
            var seen = false
            for byte in text {
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    if seen { break }
                    continue
                }
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte), value < Int.max / 10 - 10 else {
                    return nil
                }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                seen = true
            }
            return seen ? value : nil
        }
    }
}
