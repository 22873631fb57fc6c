import Foundation

/// The machine's memory of one pod's tunnel.
public struct TunnelRecord: Sendable, Equatable {
    public var pool: PoolID
    public var podId: String
    public var podName: String
    public var phase: TunnelPhase
    /// Since when the tunnel has not been up (the pod started running, or the session ended).
    public var notUpSince: Date
    /// Failed attempts in a row (the backoff grows with them).
    public var attempts = 0
    /// The next connect is due then (while `down`).
    public var retryAt: Date?
    /// Why the last attempt or session ended; never secret.
    public var lastError: String?
    /// The host key pinned for the pod (`ssh-ed25519 AAAA…`): the first one seen.
    public var hostKey: String?
    /// Whether a changed host key was refused (cleared when the pinned key is seen again).
    public var hostKeyRefused = false

    public init(pool: PoolID, podId: String, podName: String, phase: TunnelPhase, notUpSince: Date) {
        self.pool = pool
        self.podId = podId
        self.podName = podName
        self.phase = phase
        self.notUpSince = notUpSince
    }
}
