/// Where a credential (an `Authorization` header, an API key, a bearer token) may be sent: over https anywhere,
/// over plain http only to this machine (loopback), where the built-in emulator and test servers listen.
public enum CleartextPolicy {
    /// Why `credential` must not be sent to `url`, or nil when it may. The reason names the host, never anything
    /// else of the URL (its user info could hold a password).
    public static func refusal(for url: String, credential: String = "the credentials") -> String? {
        if url.lowercased().hasPrefix("https://") { return nil }
        guard let authority = URLAuthority(url), authority.scheme == "http" || authority.scheme == "https" else {
            return "not a valid http(s) URL, so \(credential) cannot be sent to it"
        }
        if authority.scheme == "https" || authority.isLoopback { return nil }
        let host = authority.isIPv6Literal ? "[\(authority.host)]" : authority.host
        return "plain http would carry \(credential) in clear text to \(host); it is allowed only to loopback "
            + "(127.0.0.0/8, ::1, localhost): use https://"
    }
}
