/// What the elector should write next.
public enum LeaseAction: Sendable, Equatable {
    /// No Lease exists: create it holding it.
    case create(LeaseRecord)
    /// Write this record, conditional on the observed resource version
    /// (acquire, renew or release).
    case update(LeaseRecord)
    /// Someone else holds a live lease.
    case wait
}
