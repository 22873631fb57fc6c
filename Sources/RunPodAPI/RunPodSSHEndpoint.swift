/// One way to reach a pod over SSH as RunPod's `ssh.proxy` / `ssh.direct` name it.
public struct RunPodSSHEndpoint: Sendable, Equatable {
    /// Hostname or IP: the pod's public IP for `direct`.
    public var host: String
    /// The TCP port: the public port mapped to the pod's 22 for `direct`.
    public var port: Int
    /// The login (`root` for `direct`; an opaque routing token for the proxy).
    public var username: String

    public init(host: String, port: Int, username: String) {
        self.host = host
        self.port = port
        self.username = username
    }
}
