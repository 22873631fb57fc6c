/// One remote port forward: the pod's sshd listens on `localhost:remotePort` and every connection there is
/// carried back and connected to `host:port` from the autoscaler's side.
public struct TunnelForward: Sendable, Hashable {
    public var remotePort: Int
    public var host: String
    public var port: Int

    public init(remotePort: Int, host: String, port: Int) {
        self.remotePort = remotePort
        self.host = host
        self.port = port
    }
}
