/// The machine's answer to a pass start or an event: the next RunPod call to
/// make (nil: the pass is over) and what to log, count and record meanwhile.
public struct ReconcileStep: Sendable, Equatable {
    public var command: ReconcileCommand?
    public var reports: [ReconcileReport]

    public init(command: ReconcileCommand?, reports: [ReconcileReport] = []) {
        self.command = command
        self.reports = reports
    }
}
