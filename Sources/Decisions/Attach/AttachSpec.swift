/// How a pool's pods are attached to the cluster (`template.attach`): off unless `ssh` is on.
public struct AttachSpec: Sendable, Equatable {
    /// Open an SSH session to every RUNNING pod and keep `forwards` up; register a Node per pod.
    public var ssh = false
    /// The login on the pod's sshd.
    public var user = "root"
    /// Remote port forwards: the pod's `localhost:<remotePort>` reaches `host:port` on the cluster side.
    public var forwards: [PortForward] = []
    /// A RUNNING pod whose tunnel is not up within this long (since it started running, or since it went down)
    /// counts as failed and is replaced.
    public var timeoutSeconds: Double = 300

    public init() {}
}
