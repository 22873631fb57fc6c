import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import Synchronization

/// Holds (or waits for) the Lease that makes one replica the reconciler.
/// Every replica serves gRPC; only the one for which `isLeader` is true
/// creates or terminates pods and writes status. Leadership ends by itself
/// when renewals fail for `renewDeadlineSeconds`, before the lease expires
/// for the others.
public final class LeaderElector: Sendable {
    private struct State {
        var observed: LeaseRecord?
        var observedChangedAt = Date.distantPast
        var lastRenewedAt: Date?
        var wasLeader = false
    }

    public let identity: String
    private let client: any ClusterClient
    private let name: String
    private let namespace: String
    private let settings: LeaderElectionSettings
    private let logger: Logger
    private let metrics: AutoscalerMetrics?
    private let now: @Sendable () -> Date
    private let state = Mutex(State())
    /// Told after every round who this replica follows (nil: nobody).
    private let onObserve: (@Sendable (FollowedLeader?) -> Void)?

    public init(
        client: any ClusterClient, name: String, namespace: String, identity: String, settings: LeaderElectionSettings,
        metrics: AutoscalerMetrics?, logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
        onObserve: (@Sendable (FollowedLeader?) -> Void)? = nil
    ) {
        self.onObserve = onObserve
        self.client = client
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// Whether this replica may act now.
    public var isLeader: Bool {
        state.withLock { state in
            LeaderElection.isLeader(
                identity: identity, observed: state.observed, lastRenewedAt: state.lastRenewedAt, now: now(),
                settings: settings)
        }
    }

    /// Another replica holding the lease, and until when it is believed; nil
    /// when this replica leads or nobody does.
    public var followed: FollowedLeader? {
        state.withLock { state in
            guard let record = state.observed, let holder = record.holder, !holder.isEmpty, holder != identity else {
                return nil
            }
            let validUntil = state.observedChangedAt.addingTimeInterval(Double(record.leaseDurationSeconds))
            return validUntil > now() ? FollowedLeader(identity: holder, validUntil: validUntil) : nil
        }
    }

    /// Tries and renews every `retryPeriodSeconds` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await attempt()
            onObserve?(followed)
            reportTransitions()
            try? await Task.sleep(for: .milliseconds(Int64(settings.retryPeriodSeconds * 1000)))
        }
    }

    /// One read-decide-write round.
    public func attempt() async {
        let path = ResourcePath.leases(namespace: namespace)
        var named = path
        named.name = name
        let observed: LeaseRecord?
        do {
            observed = LeaseDocument.record(try await client.get(named))
        } catch  where error.kind == .notFound {
            observed = nil
        } catch {
            logger.warning("cannot read the lease", metadata: ["lease": "\(namespace)/\(name)", "error": "\(error)"])
            return
        }
        let startedAt = now()
        let action = state.withLock { state -> LeaseAction in
            if state.observed?.content != observed?.content || state.observedChangedAt == .distantPast {
                state.observed = observed
                state.observedChangedAt = startedAt
            } else {
                state.observed = observed  // same content, newer resourceVersion
            }
            return LeaderElection.next(
                identity: identity, observed: observed, observedChangedAt: state.observedChangedAt, now: startedAt,
                settings: settings)
        }
        do {
            let written: JSONValue
            switch action {
            case .wait:
                return
            case .create(let record):
                written = try await client.create(path, LeaseDocument.object(record, name: name, namespace: namespace))
            case .update(let record):
                written = try await client.update(named, LeaseDocument.object(record, name: name, namespace: namespace))
            }
            let record = LeaseDocument.record(written)
            state.withLock { state in
                state.observed = record
                state.observedChangedAt = startedAt
                if record.holder == identity { state.lastRenewedAt = startedAt }
            }
        } catch  where error.kind == .conflict || error.kind == .alreadyExists {
            // Another replica wrote first: read again next round.
        } catch {
            logger.warning("cannot write the lease", metadata: ["lease": "\(namespace)/\(name)", "error": "\(error)"])
        }
    }

    /// Gives the lease up (graceful shutdown) so another replica takes over at
    /// once. It re-reads the Lease first: a renewal cut short by the shutdown
    /// may have moved its resourceVersion on.
    public func release() async {
        let held = state.withLock { state -> Bool in
            defer { state.lastRenewedAt = nil }
            return state.observed?.holder == self.identity
        }
        reportTransitions()
        guard held else { return }
        var named = ResourcePath.leases(namespace: namespace)
        named.name = name
        let (me, name, namespace, now) = (identity, self.name, self.namespace, self.now)
        do {
            _ = try await client.modify(named) { object in
                let current = LeaseDocument.record(object)
                // Someone else holds it already: nothing to give up.
                guard current.holder == me else { return }
                object = LeaseDocument.object(
                    LeaderElection.release(current, now: now()), name: name, namespace: namespace)
            }
            logger.info("released the lease", metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
        } catch {
            logger.warning("cannot release the lease", metadata: ["error": "\(error)"])
        }
    }

    private func reportTransitions() {
        let leader = isLeader
        let changed = state.withLock { state -> Bool in
            defer { state.wasLeader = leader }
            return state.wasLeader != leader
        }
        metrics?.setLeader(leader)
        if changed {
            logger.notice(
                leader ? "became the leader: reconciling" : "not the leader: serving only",
                metadata: ["lease": "\(namespace)/\(name)", "identity": "\(identity)"])
        }
    }
}
