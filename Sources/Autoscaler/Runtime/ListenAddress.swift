/// `host:port` listen addresses as the config writes them (validated at load).
public enum ListenAddress {
    /// `0.0.0.0:9090` → `0.0.0.0`.
    public static func host(of address: String) -> Substring {
        address[..<(address.lastIndex(of: ":") ?? address.endIndex)]
    }

    /// `0.0.0.0:9090` → 9090; 0 when there is no port.
    public static func port(of address: String) -> Int {
        address.lastIndex(of: ":").flatMap { Int(address[address.index(after: $0)...]) } ?? 0
    }
}
