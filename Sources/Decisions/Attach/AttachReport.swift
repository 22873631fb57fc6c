/// Something the tunnel machine decided or learned that the executor logs, counts and records as an Event.
public enum AttachReport: Sendable, Equatable {
    case tunnelUp(pool: PoolID, podId: String, name: String)
    case tunnelDown(pool: PoolID, podId: String, name: String, error: String)
    /// The first host key seen was pinned.
    case hostKeyPinned(pool: PoolID, podId: String, name: String, hostKey: String)
    /// A changed host key was refused.
    case hostKeyRefused(pool: PoolID, podId: String, name: String)
    /// Not up within the timeout: the pod counts as failed (and the reconciler replaces it).
    case tunnelFailed(pool: PoolID, podId: String, name: String, reason: String)
}
