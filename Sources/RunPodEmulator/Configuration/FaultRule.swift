/// One fault-injection rule: which calls it hits and what it does to them.
///
/// A rule applies to the calls whose operation is in `operations` (all when `nil`; creates only
/// for `noCapacity` and `serverErrorAfterCreate`). With `share` it hits that fraction of them,
/// drawn from the emulator's seeded generator; with `count` it is removed after hitting that many;
/// with neither it hits every matching call until cleared. When several rules match, the first
/// one added wins.
public struct FaultRule: Sendable, Codable, Equatable {
    /// What the rule does to the calls it hits.
    public var kind: FaultKind
    /// `list`, `get`, `create`, `delete`, `action`, `catalog`; `nil` = all.
    public var operations: [String]?
    /// Hit only the next `count` matching calls.
    public var count: Int?
    /// Hit this fraction (0...1) of matching calls.
    public var share: Double?
    /// `rateLimited`: the `Retry-After` value (whole seconds, rounded up; default 1).
    public var retryAfterSeconds: Double?
    /// `slow`: how long to hold the answer (default 1).
    public var delaySeconds: Double?

    public init(
        kind: FaultKind, operations: [String]? = nil, count: Int? = nil, share: Double? = nil,
        retryAfterSeconds: Double? = nil, delaySeconds: Double? = nil
    ) {
        self.kind = kind
        self.operations = operations
        self.count = count
        self.share = share
        self.retryAfterSeconds = retryAfterSeconds
        self.delaySeconds = delaySeconds
    }

    /// Whether this rule is meant for calls of `operation` (before `share` and `count`).
    func matches(_ operation: EmulatorOperation) -> Bool {
        if kind.createOnly && operation != .create { return false }
        guard let operations else { return true }
        return operations.contains(operation.rawValue)
    }
}
