extension HTTPRequest {
    /// Rejects what libcurl would send verbatim but must never reach the wire: an empty or non-token method,
    /// CR/LF in a header (header injection), whitespace in the URL, or credentials (an `Authorization` header,
    /// user info in the URL) over plain http to another machine. Messages name a header, never its value.
    func validate() throws(HTTPClientError) {
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("the method is not an HTTP token")
        }
        guard !url.isEmpty, !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw .invalidRequest("the URL is empty or contains whitespace or control characters")
        }
        for header in headers {
            guard !header.name.isEmpty, header.name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("a header name is not an HTTP token")
            }
            guard !header.value.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                throw .invalidRequest("the value of header '\(header.name)' contains control characters")
            }
        }
        // The last line of defence: the config checks the same rule and says which setting to change.
        let carriesCredentials =
            headers.contains { $0.name.lowercased() == "authorization" } || URLAuthority(url)?.hasUserInfo == true
        if carriesCredentials, let reason = CleartextPolicy.refusal(for: url) {
            throw .invalidRequest("refusing to send credentials: \(reason)")
        }
    }

    /// `tchar` of RFC 9110.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The URL for messages: no user info, query or fragment, which may carry credentials.
    var redactedURL: String {
        var text = Substring(url)
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = text[..<end]
        }
        guard let schemeEnd = text.firstRange(of: "://") else { return String(text) }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        guard let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") else { return String(text) }
        return String(text[..<authorityStart]) + String(text[text.index(after: at)...])
    }
}
