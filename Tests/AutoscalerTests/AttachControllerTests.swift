import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import SSHTunnel
import Synchronization
import TestSupport
import Testing

@testable import Autoscaler

/// The attach executor against the in-memory cluster: the Node of a RUNNING pod (labels, taint, capacity, a
/// NotReady condition while no tunnel is up), `status.tunnels`, and nodes deleted with their pods or as orphans.
/// The pods' SSH address is a closed loopback port, so every connect fails at once.
@Suite struct AttachControllerTests {
    static let key = """
        -----BEGIN OPENSSH PRIVATE KEY-----
        b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
        QyNTUxOQAAACBA7lK5gXBILZojOOw6MV7y4j3cginhdfSv1cjisX7YjAAAAJCaKv49mir+
        PQAAAAtzc2gtZWQyNTUxOQAAACBA7lK5gXBILZojOOw6MV7y4j3cginhdfSv1cjisX7YjA
        AAAEAc50K1xH8ZEN+P6pU28nzUDsHvD7Oa0R/lpfvjgF1H7kDuUrmBcEgtmiM47DoxXvLi
        PdyCKeF19K/VyOKxftiMAAAACHRlc3RAcnBhAQIDBAU=
        -----END OPENSSH PRIVATE KEY-----
        """
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func pool() -> PoolSpec {
        var spec = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        spec.template.image = "worker:1"
        spec.template.gpuCount = 2
        spec.template.attach.ssh = true
        spec.template.attach.forwards = [PortForward(remotePort: 9092, host: "127.0.0.1", port: 9)]
        return spec
    }

    static func status(_ pods: [ObservedPod]) -> PoolReconcileStatus {
        PoolReconcileStatus(
            desired: pods.count, podsByStatus: ["RUNNING": pods.count], running: pods.count, counted: pods.count,
            costPerHour: 0, block: nil, pods: pods, stoppedReason: nil, at: t0)
    }

    static func pod(_ id: String) -> ObservedPod {
        ObservedPod(
            id: id, name: "rpa-media-burst-\(id)", phase: .running, status: "RUNNING",
            offering: Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure), costPerHour: 1.58, createdAt: t0,
            sshAddress: SSHAddress(host: "127.0.0.1", port: 1, username: "root"))
    }

    @Test func nodesFollowTheRunningPods() async throws {
        let cluster = InMemoryCluster(now: { Self.t0 })
        _ = cluster.put(
            [
                "apiVersion": "v1", "kind": "Node",
                "metadata": ["name": "runpod-gone", "labels": ["gpuburst.io/pool": "media.burst"]],
            ],
            in: .nodes)
        let pods = Mutex([PoolID: PoolReconcileStatus]())
        let spec = Self.pool()
        pods.withLock { $0[spec.id] = Self.status([Self.pod("p1")]) }
        let controller = AttachController(
            key: try OpenSSHPrivateKey(pem: Self.key), pools: { [spec] }, cluster: cluster, metrics: nil, onEvent: nil,
            settings: AttachController.Settings(), logger: Logger(label: "test"), now: { Self.t0 })
        controller.readPods { pods.withLock { $0 } }
        #expect(controller.publicKey.hasPrefix("ssh-ed25519 AAAA"))
        await controller.tick()

        var path = ResourcePath.nodes
        path.name = "runpod-p1"
        let node = try #require(cluster.object(at: path))
        #expect(node["metadata"]["labels"]["nvidia.com/gpu"] == "true")
        #expect(node["metadata"]["labels"]["gpu-type"] == "runpod")
        #expect(node["metadata"]["labels"]["gpuburst.io/pool"] == "media.burst")
        #expect(node["metadata"]["labels"]["nvidia.com/gpu.product"] == "NVIDIA-L40S")
        #expect(node["spec"]["taints"][0]["effect"] == "NoSchedule")
        #expect(node["status"]["capacity"]["nvidia.com/gpu"] == "2")
        #expect(node["status"]["allocatable"]["nvidia.com/gpu"] == "2")
        #expect(node["status"]["conditions"][0]["type"] == "Ready")
        #expect(node["status"]["conditions"][0]["status"] == "False", "no tunnel yet")
        // The orphan with our label went; local occupancy would ignore ours.
        var orphan = ResourcePath.nodes
        orphan.name = "runpod-gone"
        #expect(cluster.object(at: orphan) == nil)
        #expect(ClusterObjects.node(node).isRunPod)

        // The pod goes: so does its node.
        pods.withLock { $0[spec.id] = Self.status([]) }
        await controller.tick()
        #expect(cluster.object(at: path) == nil)
        #expect(cluster.calls.contains(InMemoryCluster.Call(.delete, path)))
        #expect(controller.failedPods.isEmpty)
    }
}
