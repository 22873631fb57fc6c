/// What an injected fault does to the calls it applies to.
public enum FaultKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// A create answers "no capacity" (the 400, or the legacy 500), nothing is created. Creates only.
    case noCapacity
    /// The pod is created, then the call answers 500. Creates only.
    case serverErrorAfterCreate
    /// 500, nothing done.
    case serverError
    /// 429 with `Retry-After`, `RateLimit` and `RateLimit-Policy`, nothing done.
    case rateLimited
    /// 401, nothing done.
    case unauthorized
    /// 403, nothing done.
    case forbidden
    /// 402, nothing done.
    case paymentRequired
    /// The call is carried out, and answered after `delaySeconds`.
    case slow
    /// The TCP connection is closed without an answer, nothing done.
    case dropConnection

    /// Kinds that only make sense for `create`: their rules never match other operations.
    var createOnly: Bool { self == .noCapacity || self == .serverErrorAfterCreate }
}
