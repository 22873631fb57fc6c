/// One forward of `template.attach.ssh.forwards`: `{remotePort: 9092, to: "kafka-bootstrap.kafka:9092"}`.
public struct PortForward: Sendable, Hashable {
    /// The port the pod's sshd listens on (`localhost` inside the pod).
    public var remotePort: Int
    /// Where connections to it go, from the autoscaler's side.
    public var host: String
    public var port: Int

    public init(remotePort: Int, host: String, port: Int) {
        self.remotePort = remotePort
        self.host = host
        self.port = port
    }

    /// Reads `host:port` (`[v6]:port` for IPv6); nil when malformed.
    public init?(remotePort: Int, to target: String) {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
            (1...65535).contains(port), (1...65535).contains(remotePort)
        else { return nil }
        var host = String(target[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(remotePort: remotePort, host: host, port: port)
    }

    /// As written in the spec.
    public var target: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
