extension URLAuthority {
    /// Whether the host can only be this machine: `localhost`, an IPv4 address in 127.0.0.0/8 written as four
    /// plain decimal numbers, or the IPv6 address ::1 in any of its spellings. Anything that merely resembles one
    /// is not: `127.0.0.1.evil.com` is a name, `localhost.` goes to DNS, `0177.0.0.1` and `127.1` are spellings
    /// some resolvers read differently, `::ffff:127.0.0.1` is left out too.
    public var isLoopback: Bool {
        if isIPv6Literal { return Self.ipv6Groups(host) == [0, 0, 0, 0, 0, 0, 0, 1] }
        if host == "localhost" { return true }
        return Self.ipv4Octets(host)?.first == 127
    }

    /// The four octets of a dotted-quad IPv4 address in plain decimal (no leading zeros), else nil.
    static func ipv4Octets(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [Int] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = Int(part), value <= 255
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// The eight 16-bit groups of an IPv6 address (hex groups, at most one `::`, no embedded IPv4 and no zone),
    /// else nil.
    static func ipv6Groups(_ text: String) -> [Int]? {
        func groups(_ part: Substring) -> [Int]? {
            if part.isEmpty { return [] }
            var values: [Int] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = Int(group, radix: 16) else { return nil }
                values.append(value)
            }
            return values
        }
        let halves = text.components(separatedBy: "::")
        switch halves.count {
        case 1:
            guard let all = groups(Substring(text)), all.count == 8 else { return nil }
            return all
        case 2:
            guard let head = groups(Substring(halves[0])), let tail = groups(Substring(halves[1])),
                head.count + tail.count <= 7
            else { return nil }
            return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        default:
            return nil
        }
    }
}
