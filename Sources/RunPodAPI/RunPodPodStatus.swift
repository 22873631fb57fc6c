/// A pod's lifecycle status: `PROVISIONING → STARTING → RUNNING`, then `EXITED`, `ERROR` or `TERMINATED`.
///
/// Values the service adds later (or older ones such as `CREATED`, `PAUSED`, `DEAD`) arrive as ``other(_:)``
/// instead of failing the decoding.
public enum RunPodPodStatus: Sendable, Hashable, CustomStringConvertible {
    case provisioning
    case starting
    case running
    case exited
    case error
    case terminated
    /// A status this client does not know, as the service spelled it.
    case other(String)

    /// The status for the service's spelling (case-insensitive); never fails.
    public init(rawValue: String) {
        // The service's own spelling first: uppercasing every status of a long list costs more than the list.
        switch rawValue {
        case "RUNNING": self = .running
        case "PROVISIONING": self = .provisioning
        case "STARTING": self = .starting
        case "EXITED": self = .exited
        default: self.init(anyCase: rawValue)
        }
    }

    private init(anyCase rawValue: String) {
        switch rawValue.uppercased() {
        case "PROVISIONING": self = .provisioning
        case "STARTING": self = .starting
        case "RUNNING": self = .running
        case "EXITED": self = .exited
        case "ERROR": self = .error
        case "TERMINATED": self = .terminated
        default: self = .other(rawValue)
        }
    }

    /// The service's spelling, e.g. `RUNNING`.
    public var rawValue: String {
        switch self {
        case .provisioning: "PROVISIONING"
        case .starting: "STARTING"
        case .running: "RUNNING"
        case .exited: "EXITED"
        case .error: "ERROR"
        case .terminated: "TERMINATED"
        case .other(let value): value
        }
    }

    public var description: String { rawValue }
}
