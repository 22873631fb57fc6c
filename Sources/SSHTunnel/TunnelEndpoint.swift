/// Where a pod's sshd answers (RunPod's `ssh.direct`: public IP and mapped port) and who to log in as.
public struct TunnelEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String

    public init(host: String, port: Int, username: String) {
        self.host = host
        self.port = port
        self.username = username
    }

    public var description: String { "\(username)@\(host):\(port)" }
}
