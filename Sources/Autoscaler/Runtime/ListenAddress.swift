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

    /// The host to connect to for a listener at `address`: a wildcard (`0.0.0.0`, `[::]`) is this machine's
    /// loopback, anything else itself, e.g. `0.0.0.0:19080` → `127.0.0.1`, `[::]:19080` → `[::1]`.
    public static func dialHost(of address: String) -> Substring {
        switch host(of: address) {
        case "0.0.0.0": "127.0.0.1"
        case "[::]", "::": "[::1]"
        case let host: host
        }
    }
}
