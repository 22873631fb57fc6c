import Decisions
import Foundation
import RunPodEmulator
import Testing

@testable import Autoscaler

/// The reconciler against the emulator, one fault class at a time.
@Suite(.serialized) struct PodReconcilerTests {
    typealias H = ReconcilerHarness

    @Test func createsExactlyDesiredThenRemovesThem() async throws {
        let h = try await H()
        h.setDesired(4)
        await h.step()
        #expect(h.pods.count == 4)
        #expect(Set(h.pods.map(\.name)).count == 4)
        #expect(h.pods.allSatisfy { $0.gpuTypeId == H.ada.gpuTypeId && $0.cloud == "SECURE" })
        await h.step(10)
        #expect(h.pods.count == 4, "no second create while they provision")
        #expect(h.pods.allSatisfy { $0.status == .running })
        let status = try #require(h.reconciler.status[h.pool.id])
        #expect(status.desired == 4 && status.running == 4)
        h.setDesired(1)
        await h.step()
        #expect(h.pods.count == 1)
        h.setDesired(0)
        await h.step()
        #expect(h.pods.isEmpty)
        await h.shutdown()
    }

    @Test func podsCarryThePoolTemplate() async throws {
        var pool = H.defaultPool()
        pool.template.env = ["QUEUE": "media-gpu", "TOKEN": "s3cret"]
        pool.template.networkVolumeId = "vol-123"
        pool.template.dataCenterIds = ["EU-RO-1"]
        pool.template.ports = ["22/tcp", "8888/http"]
        let h = try await H(pool: pool)
        h.setDesired(1)
        await h.step()
        let pod = try #require(h.pods.first)
        #expect(pod.spec.env == pool.template.env)
        #expect(pod.spec.image == "worker:1")
        #expect(pod.spec.ports == ["22/tcp", "8888/http"])
        #expect(pod.dataCenterId == "EU-RO-1")
        await h.shutdown()
    }

    @Test func noCapacityWalksTheFallbackOrder() async throws {
        var configuration = EmulatorConfiguration()
        configuration.capacity = [
            H.ada.gpuTypeId: ["SECURE": 2, "COMMUNITY": 1],
            H.l40s.gpuTypeId: ["SECURE": 10, "COMMUNITY": 10],
        ]
        let h = try await H(emulator: configuration)
        h.setDesired(6)
        await h.step()
        let byOffering = Dictionary(grouping: h.pods) {
            Offering(gpuTypeId: $0.gpuTypeId, cloud: Cloud(rawValue: $0.cloud)!)
        }
        #expect(byOffering[H.ada]?.count == 2)
        #expect(byOffering[H.adaCommunity]?.count == 1)
        #expect(byOffering[H.l40s]?.count == 3)
        #expect(h.pods.count == 6)
        await h.shutdown()
    }

    @Test func unavailableOfferingsAreRetriedAfterTheirPause() async throws {
        var configuration = EmulatorConfiguration()
        configuration.capacity = [
            H.ada.gpuTypeId: ["SECURE": 0, "COMMUNITY": 0], H.l40s.gpuTypeId: ["SECURE": 5, "COMMUNITY": 0],
        ]
        let h = try await H(emulator: configuration)
        h.setDesired(1)
        await h.step()
        #expect(h.pods.map(\.gpuTypeId) == [H.l40s.gpuTypeId])
        h.emulator.setCapacity(gpuTypeId: H.ada.gpuTypeId, cloud: "SECURE", gpus: 5)
        h.setDesired(2)
        await h.step(10)
        #expect(h.pods.filter { $0.gpuTypeId == H.l40s.gpuTypeId }.count == 2, "ada still skipped for 60 s")
        h.setDesired(3)
        await h.step(60)
        #expect(h.pods.filter { $0.gpuTypeId == H.ada.gpuTypeId }.count == 1, "ada tried again after the pause")
        await h.shutdown()
    }

    @Test func legacyNoCapacityTextIsAlsoNoCapacity() async throws {
        var configuration = EmulatorConfiguration()
        configuration.legacyNoCapacityErrors = true
        configuration.capacity = [H.ada.gpuTypeId: ["SECURE": 0, "COMMUNITY": 1]]
        let h = try await H(emulator: configuration)
        h.setDesired(1)
        await h.step()
        #expect(h.pods.map(\.cloud) == ["COMMUNITY"])
        await h.shutdown()
    }

    @Test func aCreateWhoseAnswerWasLostIsFoundNotDuplicated() async throws {
        let h = try await H()
        h.emulator.addFault(FaultRule(kind: .serverErrorAfterCreate, operations: ["create"], count: 1))
        h.setDesired(3)
        await h.step()
        // The first create made a pod but answered 500: creates back off.
        #expect(h.pods.count == 1)
        for _ in 0..<6 { await h.step(5) }
        #expect(h.pods.count == 3, "the lost pod was adopted, two more made")
        #expect(Set(h.pods.map(\.name)).count == 3)
        await h.shutdown()
    }

    @Test func serverErrorsBackOffAndRecover() async throws {
        let h = try await H()
        h.emulator.addFault(FaultRule(kind: .serverError, operations: ["create"], count: 3))
        h.setDesired(2)
        await h.step()
        #expect(h.pods.isEmpty)
        var steps = 0
        while h.pods.count < 2 && steps < 40 {
            await h.step(5)
            steps += 1
        }
        #expect(h.pods.count == 2)
        #expect(steps > 1, "it backed off rather than hammering")
        await h.shutdown()
    }

    @Test func rateLimitsPauseCreatesForRetryAfter() async throws {
        let h = try await H()
        h.emulator.addFault(FaultRule(kind: .rateLimited, operations: ["create"], count: 1, retryAfterSeconds: 30))
        h.setDesired(2)
        await h.step()
        #expect(h.pods.isEmpty)
        let creates = h.emulator.callCounts[.create] ?? 0
        await h.step(10)
        #expect(h.pods.isEmpty, "still inside Retry-After")
        #expect(h.emulator.callCounts[.create] ?? 0 == creates, "no create sent while paused")
        await h.step(25)
        #expect(h.pods.count == 2)
        await h.shutdown()
    }

    @Test(arguments: [FaultKind.unauthorized, .forbidden, .paymentRequired])
    func accountRefusalsStopCreatesAndAreReported(kind: FaultKind) async throws {
        let h = try await H()
        h.emulator.addFault(FaultRule(kind: kind, operations: ["create"], count: 1))
        h.setDesired(2)
        await h.step()
        await h.step(10)
        #expect(h.pods.isEmpty)
        let status = try #require(h.reconciler.status[h.pool.id])
        #expect(status.stoppedReason != nil)
        #expect(h.reconciler.problems.contains { $0.contains("creates stopped") })
        #expect(!h.reconciler.problems.joined().contains("test-key"))
        // Scale-down is still allowed, and creates resume after the stop period.
        await h.step(300)
        #expect(h.pods.count == 2)
        await h.shutdown()
    }

    @Test func listFailuresChangeNothing() async throws {
        let h = try await H()
        h.setDesired(2)
        await h.step()
        h.emulator.addFault(FaultRule(kind: .serverError, operations: ["list"], count: 2))
        h.setDesired(0)
        await h.step()
        #expect(h.pods.count == 2, "no terminate without a list")
        #expect(h.reconciler.problems.contains { $0.contains("list failing") })
        await h.step()
        await h.step()
        #expect(h.pods.isEmpty)
        #expect(h.reconciler.problems.isEmpty)
        await h.shutdown()
    }

    @Test func droppedConnectionsAreLostAnswers() async throws {
        let h = try await H()
        h.emulator.addFault(FaultRule(kind: .dropConnection, operations: ["create"], count: 1))
        h.setDesired(1)
        await h.step()
        #expect(h.pods.isEmpty)
        for _ in 0..<4 { await h.step(5) }
        #expect(h.pods.count == 1)
        #expect(h.emulator.callCounts[.create] == 2, "one dropped, one made after the list proved nothing was")
        await h.shutdown()
    }

    @Test func aSlowAnswerPastTheTimeoutIsALostAnswer() async throws {
        let h = try await H(httpTimeout: .milliseconds(300))
        // The emulator creates the pod, then answers after 1 s: the client has given up.
        h.emulator.addFault(FaultRule(kind: .slow, operations: ["create"], count: 1, delaySeconds: 1))
        h.setDesired(2)
        await h.step()
        #expect(h.pods.count == 1, "the slow create made its pod; creates then back off")
        for _ in 0..<4 { await h.step(5) }
        #expect(h.pods.count == 2)
        #expect(Set(h.pods.map(\.name)).count == 2)
        await h.shutdown()
    }

    @Test func maxCostHoldsWhilePodsProvision() async throws {
        var pool = H.defaultPool()
        pool.maxCostPerHour = 2.5
        let h = try await H(pool: pool)
        h.setDesired(10)
        await h.step()
        #expect(h.pods.count == 3, "3 × 0.69 = 2.07; a fourth would be 2.76")
        #expect(h.cost <= 2.5)
        await h.step(1)
        #expect(h.pods.count == 3)
        await h.shutdown()
    }

    @Test func failedAndStuckPodsAreReplaced() async throws {
        var configuration = EmulatorConfiguration()
        configuration.provisioningSeconds = 1000
        let h = try await H(emulator: configuration)
        h.setDesired(2)
        await h.step()
        let first = Set(h.pods.map(\.id))
        #expect(first.count == 2)
        h.emulator.failPod(id: first.first!)
        await h.step(5)
        #expect(h.pods.count == 2)
        #expect(!h.pods.map(\.id).contains(first.first!))
        // Nothing reaches RUNNING within 120 s: all replaced.
        await h.step(130)
        #expect(h.pods.count == 2)
        #expect(Set(h.pods.map(\.id)).isDisjoint(with: first))
        await h.shutdown()
    }

    @Test func staleDesiredHoldsThePool() async throws {
        let h = try await H()
        h.setDesired(2)
        await h.step()
        h.setDesired(nil)
        await h.step(30)
        #expect(h.pods.count == 2, "no decision: neither scale down nor up")
        await h.shutdown()
    }

    @Test func dryRunSendsNothing() async throws {
        let h = try await H(dryRun: true)
        h.setDesired(3)
        await h.step()
        await h.step()
        #expect(h.pods.isEmpty)
        #expect(h.emulator.callCounts[.create] ?? 0 == 0)
        await h.shutdown()
    }

    @Test func aRestartAdoptsPodsAndOrphansAreCleaned() async throws {
        let first = try await H()
        first.setDesired(3)
        await first.step()
        #expect(first.pods.count == 3)
        // A new reconciler (fresh memory) on the same RunPod account adopts them.
        let second = try await H(clock: first.clock, existing: first.emulator)
        second.setDesired(3)
        await second.step()
        #expect(second.pods.count == 3)
        #expect(Set(second.pods.map(\.id)) == Set(first.pods.map(\.id)))
        // A pod of a pool that no longer exists is removed after the grace period.
        var other = H.defaultPool()
        other.id = PoolID(namespace: "media", name: "gone")
        let third = try await H(pool: other, clock: first.clock, existing: first.emulator)
        third.setDesired(0)
        await third.step()
        #expect(first.pods.count == 3, "within the orphan grace")
        await third.step(31)
        #expect(first.pods.isEmpty)
        second.http.shutdown()
        third.http.shutdown()
        await first.shutdown()
    }
}
