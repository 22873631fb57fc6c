import LibGRPCServer

/// A `StaleSource` by reference, with the status it answers: one snapshot's pools all share the one their
/// build found (inline, it took 110 bytes of every view and a message string of every pool).
public final class SharedStaleSource: Sendable {
    public let value: StaleSource
    public let status: GRPCStatus

    public init(_ value: StaleSource) {
        self.value = value
        self.status = GRPCStatus(.unavailable, value.description)
    }
}
