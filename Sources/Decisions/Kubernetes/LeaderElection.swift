import Foundation

/// Leader election over a Lease as pure functions. Expiry is judged by when
/// this replica saw the record last change, not by the holder's clock, so
/// clock skew between machines cannot hand the lease over early.
public enum LeaderElection {
    /// The next write for `identity`, given the Lease as last read (nil: none
    /// exists) and when its content last changed locally.
    public static func next(
        identity: String, observed: LeaseRecord?, observedChangedAt: Date, now: Date,
        settings: LeaderElectionSettings
    ) -> LeaseAction {
        let duration = Int(settings.leaseDurationSeconds.rounded(.up))
        guard let observed else {
            return .create(
                LeaseRecord(
                    holder: identity, leaseDurationSeconds: duration, acquireTime: now, renewTime: now, transitions: 0,
                    resourceVersion: nil))
        }
        var record = observed
        record.leaseDurationSeconds = duration
        record.renewTime = now
        if observed.holder == identity {
            return .update(record)
        }
        let vacant = (observed.holder ?? "").isEmpty
        let heldFor = TimeInterval(max(observed.leaseDurationSeconds, 1))
        let expired = now.timeIntervalSince(observedChangedAt) >= heldFor
        guard vacant || expired else { return .wait }
        record.holder = identity
        record.acquireTime = now
        record.transitions = observed.transitions.adding(saturating: 1)
        return .update(record)
    }

    /// Whether `identity` may act as leader now: it holds the lease and its
    /// last successful renewal is younger than the renew deadline.
    public static func isLeader(
        identity: String, observed: LeaseRecord?, lastRenewedAt: Date?, now: Date, settings: LeaderElectionSettings
    ) -> Bool {
        guard observed?.holder == identity, let renewed = lastRenewedAt else { return false }
        return now.timeIntervalSince(renewed) < settings.renewDeadlineSeconds
    }

    /// The record that gives the lease up on graceful shutdown: no holder and
    /// a one-second duration, so another replica takes over at once.
    public static func release(_ observed: LeaseRecord, now: Date) -> LeaseRecord {
        var record = observed
        record.holder = ""
        record.leaseDurationSeconds = 1
        record.renewTime = now
        return record
    }
}
