/// What a handler knows about the call it serves.
public struct CallContext: Sendable {
    /// The full method path, e.g. `/externalscaler.ExternalScaler/GetMetrics`.
    public let method: String
    /// When the client gives up, on the monotonic clock; nil without a deadline.
    public let deadline: ContinuousClock.Instant?

    public init(method: String, deadline: ContinuousClock.Instant?) {
        self.method = method
        self.deadline = deadline
    }

    /// Whether the client's deadline has already passed.
    public var isPastDeadline: Bool {
        guard let deadline else { return false }
        return ContinuousClock.now >= deadline
    }
}
