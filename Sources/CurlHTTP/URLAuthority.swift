/// The scheme and authority of an absolute URL (`scheme://[userinfo@]host[:port]/...`), read the way RFC 3986
/// and libcurl read them: the host is what follows the `@`, so `http://localhost@evil.com` names `evil.com`.
///
/// Deliberately strict, because it decides where credentials may go: a backslash (which browsers read as `/`),
/// more than one `@`, an empty host, a host with characters no host name or address has, or a port that is not
/// a number up to 65535 make the URL unreadable (`nil`) rather than guessed at.
public struct URLAuthority: Sendable, Equatable {
    /// Lowercased: `HTTP://x` is `http`.
    public var scheme: String
    /// Whether the URL carries `user[:password]@` before the host.
    public var hasUserInfo: Bool
    /// Lowercased; an IPv6 literal without its brackets (`::1`).
    public var host: String
    /// Whether the host was written as a bracketed IPv6 literal.
    public var isIPv6Literal: Bool
    /// The port when one is written.
    public var port: Int?

    public init?(_ url: String) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        let scheme = url[..<separator.lowerBound]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        let rest = url[separator.upperBound...]
        let authority = rest[..<(rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex)]
        guard !authority.contains("\\") else { return nil }
        let parts = authority.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, let hostAndPort = parts.last else { return nil }

        var host: Substring
        var portText: Substring?
        var isIPv6Literal = false
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return nil }
            host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || ":.".contains($0) }) else { return nil }
            isIPv6Literal = true
        } else {
            let pieces = hostAndPort.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return nil }
            host = pieces[0]
            portText = pieces.count == 2 ? pieces[1] : nil
            guard !host.isEmpty,
                host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) })
            else { return nil }
        }
        var port: Int?
        if let portText, !portText.isEmpty {
            guard portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(portText),
                number <= 65535
            else { return nil }
            port = number
        }
        self.scheme = scheme.lowercased()
        self.hasUserInfo = parts.count == 2
        self.host = host.lowercased()
        self.isIPv6Literal = isIPv6Literal
        self.port = port
    }
}
