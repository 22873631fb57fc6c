/// A `host:port` to listen on (`[::1]:80` for IPv6).
struct ListenAddress: Sendable, Equatable {
    let host: String
    let port: Int

    static func parse(_ text: String, key: String) throws(FieldError) -> ListenAddress {
        guard let colon = text.lastIndex(of: ":") else {
            throw .invalid(key, "expected host:port, got \"\(text)\"")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw .invalid(key, "expected host:port with a port from 0 to 65535, got \"\(text)\"")
        }
        return ListenAddress(host: host, port: port)
    }
}
