import Foundation
import Testing

@testable import Decisions

@Suite struct LabelSelectorTests {
    @Test(
        arguments: [
            ("app=gpu-worker", ["app": "gpu-worker"], true),
            ("app=gpu-worker", ["app": "other"], false),
            ("app==gpu-worker", ["app": "gpu-worker"], true),
            ("app!=gpu-worker", ["app": "other"], true),
            ("app!=gpu-worker", [:], true),
            ("app!=gpu-worker", ["app": "gpu-worker"], false),
            ("env in (a, b)", ["env": "b"], true),
            ("env in (a,b)", ["env": "c"], false),
            ("env in (a,b)", [:], false),
            ("env notin (a,b)", ["env": "c"], true),
            ("env notin (a,b)", [:], true),
            ("gpu", ["gpu": ""], true),
            ("gpu", [:], false),
            ("!spot", [:], true),
            ("!spot", ["spot": "yes"], false),
            ("app=gpu-worker,tier in (burst,local),!spot", ["app": "gpu-worker", "tier": "local"], true),
            ("app=gpu-worker,tier in (burst,local),!spot", ["app": "gpu-worker", "tier": "local", "spot": "1"], false),
            ("", ["anything": "x"], true),
        ] as [(String, [String: String], Bool)])
    func matches(selector: String, labels: [String: String], expected: Bool) throws {
        #expect(try LabelSelector(selector).matches(labels) == expected)
    }

    @Test func badSelectorsSayWhy() {
        #expect(throws: LabelSelectorError.self) { try LabelSelector("=x") }
        #expect(throws: LabelSelectorError.self) { try LabelSelector("env in a,b") }
        #expect(throws: LabelSelectorError.self) { try LabelSelector("two words") }
    }
}

@Suite struct LocalOccupancyTests {
    let workers = try! LabelSelector("app=gpu-worker")

    func node(_ name: String, gpus: Int = 2, ready: Bool = true, cordoned: Bool = false) -> ClusterNode {
        ClusterNode(name: name, ready: ready, unschedulable: cordoned, allocatableGPUs: gpus)
    }

    func pod(_ name: String, on node: String?, gpus: Int, app: String = "other", phase: String = "Running")
        -> ClusterPod
    {
        ClusterPod(namespace: "media", name: name, nodeName: node, phase: phase, labels: ["app": app], gpus: gpus)
    }

    /// FuzzKubeJSON: two nodes (or pods) claiming `"9223372036854775807"` GPUs overflowed the sums.
    @Test func absurdQuantitiesHoldAtTheLimit() {
        let nodes = [node("a", gpus: .max), node("b", gpus: .max)]
        let pods = [pod("x", on: "a", gpus: .max), pod("y", on: "b", gpus: .max)]
        let capacity = LocalOccupancy.compute(nodes: nodes, pods: pods, workers: workers)
        #expect(capacity == LocalCapacity(gpus: .max, usedByOthers: .max))
        #expect(capacity.available == 0)
    }

    @Test func twoServersOfTwoA100s() {
        let capacity = LocalOccupancy.compute(nodes: [node("a"), node("b")], pods: [], workers: workers)
        #expect(capacity == LocalCapacity(gpus: 4, usedByOthers: 0))
        #expect(capacity.available == 4)
    }

    @Test func othersHoldGPUsOurWorkersDoNot() {
        let pods = [
            pod("train", on: "a", gpus: 1), pod("w1", on: "a", gpus: 1, app: "gpu-worker"),
            pod("w2", on: "b", gpus: 1, app: "gpu-worker"),
        ]
        let capacity = LocalOccupancy.compute(nodes: [node("a"), node("b")], pods: pods, workers: workers)
        #expect(capacity.usedByOthers == 1)
        #expect(capacity.available == 3)
    }

    @Test func unhealthyNodesAndTheirPodsDoNotCount() {
        let nodes = [node("a"), node("b", ready: false), node("c", cordoned: true)]
        let pods = [pod("x", on: "b", gpus: 2), pod("y", on: "c", gpus: 2), pod("z", on: "a", gpus: 1)]
        let capacity = LocalOccupancy.compute(nodes: nodes, pods: pods, workers: workers)
        #expect(capacity == LocalCapacity(gpus: 2, usedByOthers: 1))
    }

    @Test func terminalUnscheduledAndElsewherePodsDoNotCount() {
        let pods = [
            pod("done", on: "a", gpus: 2, phase: "Succeeded"), pod("failed", on: "a", gpus: 2, phase: "Failed"),
            pod("pending", on: nil, gpus: 2, phase: "Pending"), pod("cloud", on: "cpu-node", gpus: 2),
            pod("starting", on: "a", gpus: 1, phase: "Pending"),
        ]
        let capacity = LocalOccupancy.compute(nodes: [node("a")], pods: pods, workers: workers)
        #expect(capacity.usedByOthers == 1, "a pending pod bound to the node holds its GPU")
    }

    @Test func usageNeverExceedsAllocatable() {
        let capacity = LocalOccupancy.compute(
            nodes: [node("a", gpus: 1)], pods: [pod("big", on: "a", gpus: 4)], workers: workers)
        #expect(capacity.available == 0)
        #expect(capacity.usedByOthers == 1)
    }
}

@Suite struct LeaderElectionTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let settings = LeaderElectionSettings()

    func lease(_ holder: String?, renewed: Double = 0, transitions: Int = 3) -> LeaseRecord {
        LeaseRecord(
            holder: holder, leaseDurationSeconds: 15, acquireTime: Self.t0,
            renewTime: Self.t0.addingTimeInterval(renewed),
            transitions: transitions, resourceVersion: "42")
    }

    @Test func createsAMissingLease() {
        guard
            case .create(let record) = LeaderElection.next(
                identity: "a", observed: nil, observedChangedAt: Self.t0, now: Self.t0, settings: settings)
        else {
            Issue.record("no create")
            return
        }
        #expect(record.holder == "a" && record.transitions == 0 && record.leaseDurationSeconds == 15)
    }

    /// FuzzKubeJSON: a Lease with `leaseTransitions: 9223372036854775807` made every replica trap taking it over.
    @Test func takingOverALeaseAtMaxTransitionsHoldsTheCount() {
        let action = LeaderElection.next(
            identity: "b", observed: lease("a", transitions: .max), observedChangedAt: Self.t0,
            now: Self.t0.addingTimeInterval(60), settings: settings)
        guard case .update(let record) = action else {
            Issue.record("no takeover")
            return
        }
        #expect(record.holder == "b" && record.transitions == .max)
    }

    @Test func theHolderRenews() {
        let action = LeaderElection.next(
            identity: "a", observed: lease("a"), observedChangedAt: Self.t0, now: Self.t0.addingTimeInterval(2),
            settings: settings)
        guard case .update(let record) = action else {
            Issue.record("no renewal")
            return
        }
        #expect(record.holder == "a" && record.transitions == 3 && record.resourceVersion == "42")
        #expect(record.renewTime == Self.t0.addingTimeInterval(2))
    }

    @Test func othersWaitForALiveLease() {
        let action = LeaderElection.next(
            identity: "b", observed: lease("a"), observedChangedAt: Self.t0, now: Self.t0.addingTimeInterval(14.9),
            settings: settings)
        #expect(action == .wait)
    }

    @Test func othersTakeAnExpiredLeaseByLocalObservation() {
        // The holder's renewTime says "just now" (clock skew) but the record has
        // not changed for 15 s as this replica saw it: expired.
        let skewed = lease("a", renewed: 100)
        let action = LeaderElection.next(
            identity: "b", observed: skewed, observedChangedAt: Self.t0, now: Self.t0.addingTimeInterval(15),
            settings: settings)
        guard case .update(let record) = action else {
            Issue.record("no takeover")
            return
        }
        #expect(record.holder == "b" && record.transitions == 4 && record.resourceVersion == "42")
    }

    @Test func aReleasedLeaseIsTakenAtOnce() {
        let released = LeaderElection.release(lease("a"), now: Self.t0)
        #expect(released.holder == "" && released.leaseDurationSeconds == 1)
        let action = LeaderElection.next(
            identity: "b", observed: released, observedChangedAt: Self.t0, now: Self.t0, settings: settings)
        if case .update(let record) = action { #expect(record.holder == "b") } else { Issue.record("not taken") }
    }

    @Test func leadershipEndsBeforeAnyoneElseCouldTakeOver() {
        let mine = lease("a")
        let renewed = Self.t0
        #expect(
            LeaderElection.isLeader(
                identity: "a", observed: mine, lastRenewedAt: renewed, now: renewed.addingTimeInterval(9.9),
                settings: settings))
        #expect(
            !LeaderElection.isLeader(
                identity: "a", observed: mine, lastRenewedAt: renewed, now: renewed.addingTimeInterval(10),
                settings: settings))
        #expect(settings.renewDeadlineSeconds < settings.leaseDurationSeconds)
        #expect(
            !LeaderElection.isLeader(
                identity: "a", observed: lease("b"), lastRenewedAt: renewed, now: renewed, settings: settings))
        #expect(
            !LeaderElection.isLeader(
                identity: "a", observed: mine, lastRenewedAt: nil, now: renewed, settings: settings))
    }
}
