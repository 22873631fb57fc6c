/// Where a pod's sshd answers directly (RunPod's `ssh.direct`): its public IP, the public port mapped to 22,
/// and the login RunPod names.
public struct SSHAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String

    public init(host: String, port: Int, username: String) {
        self.host = host
        self.port = port
        self.username = username
    }

    public var description: String { "\(host):\(port)" }
}
