import Decisions
import Foundation
import KubeClient
import Primitives
import TestSupport
import Testing

@testable import Autoscaler

/// The leader elector against the in-memory cluster, one `attempt()` at a time on a manual clock.
@Suite struct LeaderElectorTests {
    let clock = ManualClock(KubeFixtures.t0)
    let cluster: InMemoryCluster

    init() {
        let clock = self.clock
        cluster = InMemoryCluster(now: { clock.now })
    }

    var lease: JSONValue { cluster.object(at: KubeFixtures.lease) ?? .null }
    var holder: String? { lease["spec"]["holderIdentity"].string }

    func elector(_ identity: String) -> LeaderElector { KubeFixtures.elector(identity, cluster, clock) }

    @Test func acquiresAFreeLease() async {
        let a = elector("pod-a")
        #expect(!a.isLeader)
        await a.attempt()
        #expect(a.isLeader)
        #expect(
            cluster.calls == [.init(.get, KubeFixtures.lease), .init(.create, KubeFixtures.leases)],
            "a missing Lease is read, then created")
        #expect(holder == "pod-a")
        #expect(lease["spec"]["leaseDurationSeconds"] == 15)
        #expect(lease["spec"]["leaseTransitions"] == 0)
        #expect(lease["spec"]["acquireTime"].string == RFC3339Timestamp.microseconds(KubeFixtures.t0))
        #expect(lease["spec"]["renewTime"].string == RFC3339Timestamp.microseconds(KubeFixtures.t0))
    }

    @Test func waitsAFullLeaseDurationBeforeTakingAnotherHoldersLease() async {
        // pod-b's renewTime is long past, but expiry is judged from when this replica first saw the record.
        cluster.put(
            KubeFixtures.leaseObject(holder: "pod-b", renewedAt: KubeFixtures.t0 - 600, transitions: 2),
            in: KubeFixtures.leases)
        let a = elector("pod-a")
        await a.attempt()
        #expect(!a.isLeader)
        clock.advance(14.9)
        await a.attempt()
        #expect(!a.isLeader)
        #expect(cluster.verbs == [.get, .get], "no write while another holder's lease may be live")
        #expect(holder == "pod-b")

        clock.advance(0.1)
        await a.attempt()
        #expect(a.isLeader)
        #expect(cluster.verbs == [.get, .get, .get, .update])
        #expect(holder == "pod-a")
        #expect(lease["spec"]["leaseTransitions"] == 3, "taking over counts a transition")
        #expect(lease["spec"]["acquireTime"].string == RFC3339Timestamp.microseconds(KubeFixtures.t0 + 15))
    }

    @Test func aRenewalByTheHolderRestartsTheWait() async {
        let (a, b) = (elector("pod-a"), elector("pod-b"))
        await b.attempt()
        await a.attempt()
        clock.advance(10)
        await b.attempt()  // renews at t0+10, then dies
        clock.advance(6)
        await a.attempt()  // sees the renewal at t0+16: the wait starts again from here
        clock.advance(14.9)
        await a.attempt()
        #expect(holder == "pod-b", "30.9 s after first sight, but only 14.9 s after it saw the record change")
        #expect(!a.isLeader)
        #expect(!b.isLeader, "the holder stopped acting 10 s after its last renewal, before anyone may take over")
        clock.advance(0.1)
        await a.attempt()
        #expect(holder == "pod-a")
        #expect(a.isLeader)
    }

    @Test func renewsItsOwnLease() async {
        let a = elector("pod-a")
        await a.attempt()
        let acquired = lease
        clock.advance(2)
        await a.attempt()
        #expect(cluster.verbs == [.get, .create, .get, .update])
        #expect(a.isLeader)
        #expect(lease["spec"]["renewTime"].string == RFC3339Timestamp.microseconds(KubeFixtures.t0 + 2))
        #expect(lease["spec"]["acquireTime"] == acquired["spec"]["acquireTime"])
        #expect(lease["spec"]["leaseTransitions"] == 0)
        #expect(
            Int(lease["metadata"]["resourceVersion"].string ?? "") ?? 0
                > Int(acquired["metadata"]["resourceVersion"].string ?? "") ?? 0)
    }

    @Test func losesLeadershipWhenRenewalsFailForTheRenewDeadline() async {
        let a = elector("pod-a")
        await a.attempt()
        let path = KubeFixtures.lease
        for (second, verb) in [(2.0, InMemoryCluster.Verb.update), (4, .get), (6, .update), (8, .update)] {
            clock.advance(2)
            cluster.failNext(verb, with: InMemoryCluster.serverError(verb, path))
            await a.attempt()
            #expect(a.isLeader, "still within the 10 s renew deadline at t0+\(second)")
        }
        clock.advance(2)
        #expect(!a.isLeader, "no successful renewal for 10 s: not the leader, whatever the Lease says")
        #expect(holder == "pod-a")
        #expect(
            lease["spec"]["renewTime"].string == RFC3339Timestamp.microseconds(KubeFixtures.t0), "nothing was written")

        await a.attempt()
        #expect(a.isLeader, "the next successful renewal makes it the leader again")
        #expect(lease["spec"]["renewTime"].string == RFC3339Timestamp.microseconds(KubeFixtures.t0 + 10))
        #expect(cluster.verbs == [.get, .create, .get, .update, .get, .get, .update, .get, .update, .get, .update])
    }

    @Test func losingACreateRaceIsHandled() async {
        let (a, b) = (elector("pod-a"), elector("pod-b"))
        // Both read "no Lease"; pod-b creates it first.
        cluster.beforeNext(.create) { await b.attempt() }
        await a.attempt()
        #expect(cluster.verbs == [.get, .get, .create, .create])
        #expect(holder == "pod-b")
        #expect(b.isLeader && !a.isLeader)
        clock.advance(2)
        await a.attempt()
        #expect(!a.isLeader)
        #expect(cluster.verbs.last == .get, "the loser reads the winner's Lease and waits")
    }

    @Test func aConflictingUpdateIsHandled() async {
        cluster.put(KubeFixtures.leaseObject(holder: "pod-c", renewedAt: KubeFixtures.t0), in: KubeFixtures.leases)
        let (a, b) = (elector("pod-a"), elector("pod-b"))
        await a.attempt()
        await b.attempt()
        clock.advance(15)
        // pod-c's lease expires for both; pod-b writes between pod-a's read and pod-a's write.
        cluster.beforeNext(.update) { await b.attempt() }
        cluster.clearCalls()
        await a.attempt()
        #expect(cluster.verbs == [.get, .get, .update, .update])
        #expect(holder == "pod-b", "pod-a's write carried the stale resourceVersion and was refused")
        #expect(b.isLeader && !a.isLeader)
        clock.advance(2)
        await a.attempt()
        #expect(!a.isLeader)
        #expect(cluster.verbs.count == 5, "after the conflict pod-a only reads")
    }

    @Test func releaseClearsTheHolderSoAnotherReplicaTakesOverAtOnce() async {
        let (a, b) = (elector("pod-a"), elector("pod-b"))
        await a.attempt()
        await b.attempt()
        clock.advance(1)
        await a.release()
        #expect(!a.isLeader)
        #expect(holder == "")
        #expect(lease["spec"]["leaseDurationSeconds"] == 1)
        #expect(cluster.verbs == [.get, .create, .get, .get, .update], "release re-reads the Lease, then writes")
        await b.attempt()
        #expect(b.isLeader, "a vacant Lease is taken without waiting")
        #expect(holder == "pod-b")
    }

    @Test func releaseRetriesWhenTheLeaseMovedOn() async {
        let a = elector("pod-a")
        await a.attempt()
        let cluster = self.cluster
        // A renewal cut short by the shutdown landed after release read the Lease.
        cluster.beforeNext(.update) {
            cluster.put(cluster.object(at: KubeFixtures.lease)!, in: KubeFixtures.leases)
        }
        cluster.clearCalls()
        await a.release()
        #expect(cluster.verbs == [.get, .update, .get, .update], "a conflict re-reads and applies the change again")
        #expect(holder == "")
    }

    @Test func releaseWithoutHoldingTheLeaseWritesNothing() async {
        cluster.put(KubeFixtures.leaseObject(holder: "pod-b", renewedAt: KubeFixtures.t0), in: KubeFixtures.leases)
        let a = elector("pod-a")
        await a.attempt()
        await a.release()
        #expect(cluster.verbs == [.get])
        #expect(holder == "pod-b")
    }
}
