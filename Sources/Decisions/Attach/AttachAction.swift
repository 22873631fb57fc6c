/// What the tunnel machine wants done; the executor does it and feeds results back as `TunnelEvent`s.
public enum AttachAction: Sendable, Equatable {
    /// Open a session (answer: `connected`, `disconnected` or `hostKeyRefused`).
    case connect(TunnelTarget)
    /// Close the pod's session, if any (no answer).
    case close(podId: String)
    /// Create the node or bring its labels, taint, capacity and Ready condition up to date.
    case upsertNode(AttachNode)
    /// Delete the node (already gone counts as done).
    case deleteNode(name: String)
    case report(AttachReport)
}
