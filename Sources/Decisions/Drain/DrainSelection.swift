/// Which of our pods a drain terminates: every pod with the prefix, or one pool's.
public enum DrainSelection: Sendable, Equatable, CustomStringConvertible {
    case all
    case pool(PoolID)

    /// Whether the pod named `name` is ours and selected.
    public func selects(_ name: String, naming: PodNaming) -> Bool {
        switch self {
        case .all: naming.owns(name)
        case .pool(let pool): naming.pool(of: name, among: [pool]) == pool
        }
    }

    public var description: String {
        switch self {
        case .all: "every pod"
        case .pool(let pool): "the pods of \(pool)"
        }
    }
}
