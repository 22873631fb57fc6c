import Decisions
import Foundation
import KubeClient
import Primitives
import Testing

@testable import Autoscaler

@Suite struct RunPodPoolDocumentTests {
    static let full: JSONValue = [
        "apiVersion": "gpuburst.io/v1alpha1", "kind": "RunPodPool",
        "metadata": ["name": "burst", "namespace": "media", "uid": "u-1", "generation": 4],
        "spec": [
            "replicas": 7, "maxReplicas": 5, "maxCostPerHour": 3.5,
            "template": [
                "image": "worker:2", "gpuTypeIds": ["NVIDIA L40S"], "gpuCount": 2, "clouds": ["COMMUNITY"],
                "dataCenterIds": ["EU-RO-1"], "networkVolumeId": "vol-1", "env": ["QUEUE": "media"],
                "ports": ["8888/http"], "startSsh": false,
            ],
            "scaling": ["jobsPerWorker": 4, "scaleDownIdleSeconds": 30],
        ],
    ]

    @Test func readsEveryField() throws {
        let pool = try RunPodPoolDocument.parse(Self.full, defaults: PoolDefaults()).get()
        #expect(pool.spec.id == PoolID(namespace: "media", name: "burst"))
        #expect(pool.replicas == 7 && pool.desired == 5, "spec.replicas is clamped to maxReplicas")
        #expect(pool.generation == 4)
        #expect(pool.spec.maxCostPerHour == 3.5)
        let t = pool.spec.template
        #expect(t.image == "worker:2" && t.gpuTypeIds == ["NVIDIA L40S"] && t.gpuCount == 2)
        #expect(t.clouds == [.community] && t.dataCenterIds == ["EU-RO-1"] && t.networkVolumeId == "vol-1")
        #expect(t.env == ["QUEUE": "media"] && t.ports == ["8888/http"] && !t.startSsh)
        #expect(pool.spec.scaling.jobsPerWorker == 4 && pool.spec.scaling.scaleDownIdleSeconds == 30)
        #expect(pool.spec.scaling.activationQueueDepth == 5, "absent fields keep the defaults")
        #expect(pool.reference["metadata"]["uid"] == "u-1")
        #expect(pool.reference["kind"] == "RunPodPool")
    }

    /// Attach: the template's `attach` block (forwards as objects, `remotePort` a number), and the host keys a
    /// former leader pinned (`status.tunnels`).
    @Test func readsAttachAndThePinnedHostKeys() throws {
        let object: JSONValue = [
            "metadata": ["name": "b", "namespace": "m"],
            "spec": [
                "template": [
                    "image": "w:1",
                    "attach": [
                        "timeoutSeconds": 45,
                        "ssh": ["enabled": true, "forwards": [["remotePort": 9092, "to": "kafka:9092"]]],
                    ],
                ]
            ],
            "status": ["tunnels": [["podId": "p1", "state": "up", "hostKey": "ssh-ed25519 AAAA1"], ["podId": "p2"]]],
        ]
        let pool = try RunPodPoolDocument.parse(object, defaults: PoolDefaults()).get()
        #expect(pool.spec.template.attach.ssh && pool.spec.template.attach.timeoutSeconds == 45)
        #expect(pool.spec.template.attach.forwards == [PortForward(remotePort: 9092, host: "kafka", port: 9092)])
        #expect(pool.pinnedHostKeys == ["p1": "ssh-ed25519 AAAA1"])
    }

    @Test func platformVariablesFillTheTemplate() throws {
        let object: JSONValue = ["metadata": ["name": "b", "namespace": "m"], "spec": ["template": [:]]]
        let pool = try RunPodPoolDocument.parse(
            object, defaults: PoolDefaults(templateId: "tpl", networkVolumeId: "vol", gpuTypeId: "NVIDIA H200")
        ).get()
        #expect(pool.spec.template.templateId == "tpl")
        #expect(pool.spec.template.networkVolumeId == "vol")
        #expect(pool.spec.template.gpuTypeIds.first == "NVIDIA H200")
        #expect(pool.spec.maxCostPerHour == nil, "no cap unless the object sets one")
        #expect(pool.replicas == 0)
    }

    @Test(arguments: [
        (["template": [:]] as JSONValue, "spec.template"),
        (["template": ["image": "w", "clouds": ["SPOT"]]] as JSONValue, "spec.template.clouds"),
        (["template": ["image": "w"], "maxCostPerHour": 0] as JSONValue, "spec.maxCostPerHour"),
        (["template": ["image": "w"], "scaling": ["jobsPerWorker": 0]] as JSONValue, "spec.scaling.jobsPerWorker"),
    ])
    func unusableObjectsNameTheField(spec: JSONValue, field: String) {
        let object: JSONValue = ["metadata": ["name": "b", "namespace": "m"], "spec": spec]
        guard case .failure(let error) = RunPodPoolDocument.parse(object, defaults: PoolDefaults()) else {
            Issue.record("accepted \(spec)")
            return
        }
        #expect(error.field == field)
        #expect(error.description.hasPrefix("RunPodPool m/b: \(field): "))
    }

    /// The observer keys pools by id: a list that names one twice (no real API server does) used to trap there.
    @Test func aPoolListedTwiceCountsOnce() {
        var second = Self.full
        second["spec"]["replicas"] = 1
        let broken: JSONValue = ["metadata": ["name": "b", "namespace": "m"], "spec": ["template": [:]]]
        let (pools, rejected) = RunPodPoolDocument.pools(in: [Self.full, broken, second], defaults: PoolDefaults())
        #expect(pools.map(\.replicas) == [7], "the first one counts")
        #expect(rejected.map(\.pool) == ["m/b", "media/burst"])
        #expect(rejected.last?.reason == "listed twice; the first one counts")
    }
}

@Suite struct ClusterObjectsTests {
    @Test func readsANode() {
        let node = ClusterObjects.node([
            "metadata": ["name": "a100-1"],
            "spec": ["unschedulable": true],
            "status": [
                "allocatable": ["nvidia.com/gpu": "2", "cpu": "64"],
                "conditions": [["type": "MemoryPressure", "status": "False"], ["type": "Ready", "status": "True"]],
            ],
        ])
        #expect(node == ClusterNode(name: "a100-1", ready: true, unschedulable: true, allocatableGPUs: 2))
        let bare = ClusterObjects.node([
            "metadata": ["name": "x"], "status": ["conditions": [["type": "Ready", "status": "Unknown"]]],
        ])
        #expect(!bare.ready && bare.allocatableGPUs == 0)
    }

    @Test func readsAPodsGPUs() {
        let pod = ClusterObjects.pod([
            "metadata": ["name": "train", "namespace": "ml", "labels": ["app": "trainer"]],
            "spec": [
                "nodeName": "a100-1",
                "containers": [
                    ["resources": ["requests": ["nvidia.com/gpu": "1"], "limits": ["nvidia.com/gpu": "1"]]],
                    ["resources": ["limits": ["nvidia.com/gpu": 1]]],
                    ["resources": [:]],
                ],
                "initContainers": [["resources": ["limits": ["nvidia.com/gpu": "1"]]]],
            ],
            "status": ["phase": "Running"],
        ])
        #expect(pod.gpus == 2)
        #expect(pod.nodeName == "a100-1" && pod.phase == "Running" && pod.labels == ["app": "trainer"])
        let pending = ClusterObjects.pod(["metadata": ["name": "p", "namespace": "n"], "spec": ["nodeName": ""]])
        #expect(pending.nodeName == nil && pending.phase == "Pending" && pending.gpus == 0)
    }

    /// FuzzKubeJSON: containers requesting `"9223372036854775807"` GPUs each overflowed the pod's sum.
    @Test func absurdRequestsHoldAtTheLimit() {
        let huge: JSONValue = ["resources": ["requests": ["nvidia.com/gpu": "9223372036854775807"]]]
        let pod = ClusterObjects.pod(["spec": ["containers": [huge, huge]]])
        #expect(pod.gpus == .max)
    }
}

@Suite struct PoolStatusDocumentTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func status(desired: Int, running: Int, block: CreateBlock? = nil, stopped: String? = nil) -> PoolReconcileStatus {
        let pods = (0..<running).map { index in
            ObservedPod(
                id: "p\(index)", name: "rpa-media-burst-0000000\(index)", phase: .running, status: "RUNNING",
                offering: Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure), costPerHour: 0.79, createdAt: Self.t0)
        }
        return PoolReconcileStatus(
            desired: desired, podsByStatus: ["RUNNING": running], running: running, counted: running,
            costPerHour: 0.79 * Double(running), block: block, pods: pods, stoppedReason: stopped, at: Self.t0)
    }

    func condition(_ conditions: [PoolCondition], _ type: String) -> PoolCondition? {
        conditions.first { $0.type == type }
    }

    @Test func readyAtDesired() {
        let conditions = PoolStatusDocument.conditions(for: status(desired: 2, running: 2), previous: [], now: Self.t0)
        #expect(condition(conditions, "Ready")?.status == "True")
        #expect(condition(conditions, "CapacityAvailable")?.status == "True")
        #expect(condition(conditions, "BudgetExceeded")?.status == "False")
        #expect(condition(conditions, "Unauthorized")?.status == "False")
    }

    @Test func blocksShowUpAsConditions() {
        let noCapacity = PoolStatusDocument.conditions(
            for: status(desired: 4, running: 1, block: .noCapacity), previous: [], now: Self.t0)
        #expect(condition(noCapacity, "Ready")?.reason == "Blocked")
        #expect(condition(noCapacity, "CapacityAvailable")?.status == "False")
        let budget = PoolStatusDocument.conditions(
            for: status(desired: 4, running: 1, block: .budget(used: 3, limit: 3)), previous: [], now: Self.t0)
        #expect(condition(budget, "BudgetExceeded")?.status == "True")
        let refused = PoolStatusDocument.conditions(
            for: status(desired: 4, running: 0, block: .stopped("401"), stopped: "unauthorized (401)"), previous: [],
            now: Self.t0)
        #expect(condition(refused, "Unauthorized")?.status == "True")
        #expect(condition(refused, "Unauthorized")?.message == "unauthorized (401)")
    }

    @Test func transitionTimesMoveOnlyOnChange() {
        let first = PoolStatusDocument.conditions(for: status(desired: 2, running: 2), previous: [], now: Self.t0)
        let same = PoolStatusDocument.conditions(
            for: status(desired: 2, running: 2), previous: first, now: Self.t0.addingTimeInterval(60))
        #expect(condition(same, "Ready")?.lastTransitionTime == Self.t0)
        let changed = PoolStatusDocument.conditions(
            for: status(desired: 3, running: 2), previous: same, now: Self.t0.addingTimeInterval(90))
        #expect(condition(changed, "Ready")?.lastTransitionTime == Self.t0.addingTimeInterval(90))
        #expect(condition(changed, "CapacityAvailable")?.lastTransitionTime == Self.t0)
    }

    @Test func statusCarriesCountsPodsAndSelector() throws {
        let pool = try RunPodPoolDocument.parse(RunPodPoolDocumentTests.full, defaults: PoolDefaults()).get()
        let s = status(desired: 2, running: 2)
        let document = PoolStatusDocument.status(
            for: s, pool: pool, conditions: PoolStatusDocument.conditions(for: s, previous: [], now: Self.t0))
        #expect(document["replicas"].int == 2 && document["readyReplicas"].int == 2)
        #expect(document["costPerHour"].double == 1.58)
        #expect(document["observedGeneration"].int == 4)
        #expect(document["selector"] == "gpuburst.io/pool=burst")
        #expect(document["pods"].array?.count == 2)
        #expect(document["pods"][0]["gpuTypeId"] == "NVIDIA L40S")
        #expect(document["pods"][0]["createdAt"] == "2027-01-15T08:00:00Z")
        #expect(document["conditions"].array?.count == 4)
    }
}

@Suite struct LeaseDocumentTests {
    @Test func roundTripsARecord() {
        let acquired = Date(timeIntervalSince1970: 1_800_000_000.25)
        let record = LeaseRecord(
            holder: "pod-a", leaseDurationSeconds: 15, acquireTime: acquired, renewTime: acquired.addingTimeInterval(2),
            transitions: 3, resourceVersion: "17")
        let object = LeaseDocument.object(record, name: "runpod-autoscaler", namespace: "platform")
        #expect(object["spec"]["acquireTime"] == "2027-01-15T08:00:00.250000Z")
        #expect(object["metadata"]["resourceVersion"] == "17")
        let back = LeaseDocument.record(object)
        #expect(back.holder == "pod-a" && back.transitions == 3 && back.leaseDurationSeconds == 15)
        #expect(abs((back.acquireTime ?? .distantPast).timeIntervalSince(acquired)) < 0.001)
        #expect(RFC3339Timestamp.parse("2026-11-30T07:40:01.123456Z") != nil)
        #expect(RFC3339Timestamp.parse("2026-11-30T07:40:01Z") != nil)
    }
}
