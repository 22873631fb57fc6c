/// Everything the executor needs to open one pod's session.
public struct TunnelTarget: Sendable, Equatable {
    public var podId: String
    public var address: SSHAddress
    /// The login (the pool's `attach.user`).
    public var user: String
    /// The pinned host key; nil for the first connect (any key is accepted and then pinned).
    public var pinnedHostKey: String?
    public var forwards: [PortForward]
    /// How long the setup may take.
    public var timeoutSeconds: Double

    public init(
        podId: String, address: SSHAddress, user: String, pinnedHostKey: String?, forwards: [PortForward],
        timeoutSeconds: Double
    ) {
        self.podId = podId
        self.address = address
        self.user = user
        self.pinnedHostKey = pinnedHostKey
        self.forwards = forwards
        self.timeoutSeconds = timeoutSeconds
    }
}
