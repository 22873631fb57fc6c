import Foundation
import Testing

@testable import Decisions

/// The attach machine on a hand-moved clock: which pods get a session and a node, backoff, the host key pin,
/// the timeout that marks a pod failed, and what the reconciler does with it.
@Suite struct TunnelMachineTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let address = SSHAddress(host: "203.0.113.7", port: 22_022, username: "root")
    static let forward = PortForward(remotePort: 9092, host: "kafka-bootstrap.kafka", port: 9092)

    static func pool(attach: Bool = true) -> PoolSpec {
        var spec = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        spec.template.image = "worker:1"
        spec.template.gpuCount = 2
        spec.template.attach.ssh = attach
        spec.template.attach.forwards = [forward]
        spec.template.attach.timeoutSeconds = 60
        return spec
    }

    static func pod(_ id: String, _ phase: PodPhase = .running, address: SSHAddress? = address) -> ObservedPod {
        ObservedPod(
            id: id, name: "rpa-media-burst-\(id)", phase: phase, status: phase == .running ? "RUNNING" : "STARTING",
            offering: Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure), costPerHour: 1.58, createdAt: t0,
            sshAddress: phase == .running ? address : nil)
    }

    struct Rig {
        var machine = TunnelMachine()
        var now = TunnelMachineTests.t0
        var spec = TunnelMachineTests.pool()

        mutating func observe(_ pods: [ObservedPod], existing: [String]? = nil) -> [AttachAction] {
            machine.observe(pods.map { AttachCandidate(spec: spec, pod: $0) }, existingNodes: existing, now: now)
        }

        mutating func handle(_ event: TunnelEvent) -> [AttachAction] {
            machine.handle(event, now: now)
        }

        mutating func advance(_ seconds: Double) {
            now = now.addingTimeInterval(seconds)
        }
    }

    func connects(_ actions: [AttachAction]) -> [TunnelTarget] {
        actions.compactMap { if case .connect(let target) = $0 { target } else { nil } }
    }

    func nodes(_ actions: [AttachAction]) -> [AttachNode] {
        actions.compactMap { if case .upsertNode(let node) = $0 { node } else { nil } }
    }

    @Test func aRunningPodGetsASessionAndANotReadyNode() throws {
        var rig = Rig()
        let actions = rig.observe([Self.pod("p1"), Self.pod("p2", .pending)])
        let target = try #require(connects(actions).first)
        #expect(connects(actions).count == 1, "only the RUNNING pod")
        #expect(target.podId == "p1" && target.address == Self.address && target.user == "root")
        #expect(target.pinnedHostKey == nil && target.forwards == [Self.forward])
        let node = try #require(nodes(actions).first)
        #expect(node.name == "runpod-p1" && !node.ready && node.gpuCount == 2 && node.gpuTypeId == "NVIDIA L40S")
        #expect(rig.machine.records["p1"]?.phase == .connecting)
        // Nothing more while it connects.
        rig.advance(1)
        #expect(rig.observe([Self.pod("p1")]).isEmpty)
    }

    @Test func poolsWithoutAttachAreIgnored() {
        var rig = Rig()
        rig.spec = Self.pool(attach: false)
        #expect(rig.observe([Self.pod("p1")]).isEmpty)
        #expect(rig.machine.records.isEmpty)
    }

    @Test func theFirstHostKeyIsPinnedAndTheNodeGoesReady() throws {
        var rig = Rig()
        _ = rig.observe([Self.pod("p1")])
        let actions = rig.handle(.connected(podId: "p1", hostKey: "ssh-ed25519 AAAAfirst"))
        #expect(
            actions.contains(
                .report(
                    .hostKeyPinned(
                        pool: rig.spec.id, podId: "p1", name: "rpa-media-burst-p1", hostKey: "ssh-ed25519 AAAAfirst"))))
        #expect(nodes(actions).map(\.ready) == [true])
        #expect(rig.machine.records["p1"]?.hostKey == "ssh-ed25519 AAAAfirst")
        #expect(rig.machine.counts()[rig.spec.id]?[.up] == 1)
        // The session ends: NotReady, a retry after the backoff with the pinned key.
        rig.advance(5)
        let down = rig.handle(.disconnected(podId: "p1", error: "session ended"))
        #expect(nodes(down).map(\.ready) == [false])
        #expect(connects(rig.observe([Self.pod("p1")])).isEmpty, "backoff first")
        rig.advance(1)
        let retry = try #require(connects(rig.observe([Self.pod("p1")])).first)
        #expect(retry.pinnedHostKey == "ssh-ed25519 AAAAfirst")
    }

    @Test func aNewLeaderStartsWithThePinsOfTheStatus() throws {
        var rig = Rig()
        let actions = rig.machine.observe(
            [AttachCandidate(spec: rig.spec, pod: Self.pod("p1"))], pinned: ["p1": "ssh-ed25519 AAAAold"], now: rig.now)
        #expect(try #require(connects(actions).first).pinnedHostKey == "ssh-ed25519 AAAAold")
        // Seen again with another pin (a stale status): the machine keeps its own.
        _ = rig.handle(.disconnected(podId: "p1", error: "refused"))
        rig.advance(1)
        let again = rig.machine.observe(
            [AttachCandidate(spec: rig.spec, pod: Self.pod("p1"))], pinned: ["p1": "ssh-ed25519 AAAAstale"],
            now: rig.now)
        #expect(try #require(connects(again).first).pinnedHostKey == "ssh-ed25519 AAAAold")
    }

    @Test func backoffDoublesUpToItsCap() {
        var rig = Rig()
        rig.spec.template.attach.timeoutSeconds = 1000
        _ = rig.observe([Self.pod("p1")])
        var waits: [Double] = []
        for _ in 0..<7 {
            _ = rig.handle(.disconnected(podId: "p1", error: "connection refused"))
            let retryAt = rig.machine.records["p1"]?.retryAt ?? rig.now
            waits.append(retryAt.timeIntervalSince(rig.now))
            rig.now = retryAt
            _ = rig.observe([Self.pod("p1")])
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30])
    }

    @Test func aChangedHostKeyIsRefusedAndAfterTheTimeoutThePodFails() {
        var rig = Rig()
        _ = rig.observe([Self.pod("p1")])
        _ = rig.handle(.connected(podId: "p1", hostKey: "ssh-ed25519 AAAAfirst"))
        rig.advance(10)
        _ = rig.handle(.disconnected(podId: "p1", error: "session ended"))
        rig.advance(1)
        _ = rig.observe([Self.pod("p1")])
        let refused = rig.handle(.hostKeyRefused(podId: "p1", seen: "ssh-ed25519 AAAAother"))
        #expect(refused.contains(.report(.hostKeyRefused(pool: rig.spec.id, podId: "p1", name: "rpa-media-burst-p1"))))
        #expect(rig.machine.records["p1"]?.hostKey == "ssh-ed25519 AAAAfirst", "the pin stays")
        #expect(rig.machine.records["p1"]?.hostKeyRefused == true)
        // 60 s after it went down (not after it first ran): failed, closed, reported, its node deleted.
        rig.advance(58)
        #expect(rig.machine.failed.isEmpty)
        rig.advance(1)
        let actions = rig.observe([Self.pod("p1")])
        #expect(rig.machine.failed == ["p1"])
        #expect(actions.contains(.close(podId: "p1")))
        #expect(actions.contains(.deleteNode(name: "runpod-p1")))
        #expect(
            actions.contains {
                if case .report(.tunnelFailed(_, "p1", _, let reason)) = $0 {
                    reason.contains("host key")
                } else {
                    false
                }
            })
        // It stays failed (no more connects) while listed, and is forgotten when it goes.
        rig.advance(60)
        #expect(connects(rig.observe([Self.pod("p1")])).isEmpty)
        #expect(rig.observe([]).isEmpty)
        #expect(rig.machine.failed.isEmpty && rig.machine.records.isEmpty)
    }

    @Test func aPodWithoutAnAddressFailsAfterTheTimeout() {
        var rig = Rig()
        #expect(connects(rig.observe([Self.pod("p1", address: nil)])).isEmpty)
        #expect(rig.machine.records["p1"]?.phase == .waiting)
        rig.advance(60)
        _ = rig.observe([Self.pod("p1", address: nil)])
        #expect(rig.machine.failed == ["p1"])
    }

    @Test func aPodThatGoesAwayClosesItsSessionAndDeletesItsNode() {
        var rig = Rig()
        _ = rig.observe([Self.pod("p1"), Self.pod("p2")])
        _ = rig.handle(.connected(podId: "p1", hostKey: "k1"))
        let actions = rig.observe([Self.pod("p2")])
        #expect(actions.contains(.close(podId: "p1")))
        #expect(actions.contains(.deleteNode(name: "runpod-p1")))
        #expect(!actions.contains(.deleteNode(name: "runpod-p2")))
        // An event for a pod no longer known changes nothing.
        #expect(rig.handle(.disconnected(podId: "p1", error: "closed")).isEmpty)
    }

    @Test func orphanNodesAreCollected() {
        var rig = Rig()
        let actions = rig.observe([Self.pod("p1")], existing: ["runpod-p1", "runpod-gone"])
        #expect(actions.contains(.deleteNode(name: "runpod-gone")))
        #expect(!actions.contains(.deleteNode(name: "runpod-p1")))
    }

    @Test func losingLeadershipClosesEverySession() {
        var rig = Rig()
        _ = rig.observe([Self.pod("p1"), Self.pod("p2")])
        #expect(rig.machine.reset() == [.close(podId: "p1"), .close(podId: "p2")])
        #expect(rig.machine.records.isEmpty && rig.machine.nodes.isEmpty)
    }

    @Test func theReconcilerReplacesAPodWhoseTunnelFailed() {
        var rig = MachineRig()
        rig.pass(desired: 1)
        rig.pods[0].phase = .running
        rig.pods[0].status = "RUNNING"
        let failedId = rig.pods[0].id
        rig.advance(5)
        #expect(rig.pass(desired: 1) == [.listPods], "a healthy pod stays")
        rig.advance(5)
        let calls = rig.pass(desired: 1, tunnelFailed: [failedId])
        #expect(calls.contains { if case .terminate(_, failedId, _, .failed) = $0 { true } else { false } })
        #expect(calls.contains { if case .create = $0 { true } else { false } })
        #expect(rig.live.map(\.id) != [failedId])
    }

    @Test func nodeNamesAreValidWhateverThePodId() {
        #expect(AttachNode.name(forPod: "7h9k2m4n6p") == "runpod-7h9k2m4n6p")
        #expect(AttachNode.name(forPod: "Pod_ABC123") == "runpod-pod-abc123")
    }

    @Test func forwardTargetsParse() {
        #expect(PortForward(remotePort: 9092, to: "kafka-bootstrap.kafka:9092") == Self.forward)
        #expect(PortForward(remotePort: 9092, to: "[fd00::1]:9092")?.host == "fd00::1")
        #expect(PortForward(remotePort: 9092, to: "[fd00::1]:9092")?.target == "[fd00::1]:9092")
        #expect(PortForward(remotePort: 9092, to: "kafka") == nil)
        #expect(PortForward(remotePort: 9092, to: ":9092") == nil)
        #expect(PortForward(remotePort: 0, to: "kafka:9092") == nil)
        #expect(PortForward(remotePort: 9092, to: "kafka:70000") == nil)
    }

    @Test func theDraftReadsAndChecksAttach() throws {
        var draft = PoolDraft()
        draft.name = "burst"
        draft.image = "worker:1"
        draft.attachSSH = true
        draft.attachForwards = [["remotePort": "9092", "to": "kafka:9092"]]
        let spec = try draft.validated(defaults: PoolDefaults())
        #expect(spec.template.attach.ssh && spec.template.attach.forwards.map(\.remotePort) == [9092])
        #expect(spec.template.attach.timeoutSeconds == 300 && spec.template.attach.user == "root")
        draft.attachForwards = [["remotePort": "9092", "to": "kafka"]]
        #expect(throws: PoolSpecError.self) { try draft.validated(defaults: PoolDefaults()) }
        draft.attachForwards = []
        #expect(throws: PoolSpecError.self) { try draft.validated(defaults: PoolDefaults()) }
        draft.attachForwards = [["remotePort": "9092", "to": "kafka:9092"]]
        draft.ports = ["8888/http"]
        #expect(throws: PoolSpecError.self) { try draft.validated(defaults: PoolDefaults()) }
    }
}
