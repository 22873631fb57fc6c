/// What the executor saw of a session, fed back to the `TunnelMachine`.
public enum TunnelEvent: Sendable, Equatable {
    /// The session is up with every forward; `hostKey` is the key the server showed.
    case connected(podId: String, hostKey: String)
    /// The session could not be set up, or it ended.
    case disconnected(podId: String, error: String)
    /// The server showed a key other than the pinned one: refused.
    case hostKeyRefused(podId: String, seen: String)
}
