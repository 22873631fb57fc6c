import Foundation

/// Another replica holds the Lease: who, and until when this replica will
/// believe it (the time it saw the Lease change plus the lease duration, as
/// client-go counts it, so clock skew between replicas does not matter).
public struct FollowedLeader: Sendable, Equatable {
    public var identity: String
    public var validUntil: Date

    public init(identity: String, validUntil: Date) {
        self.identity = identity
        self.validUntil = validUntil
    }
}
