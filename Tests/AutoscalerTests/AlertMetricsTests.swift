import Decisions
import Foundation
import Logging
import RunPodAPI
import RunPodEmulator
import Testing

@testable import Autoscaler

/// The gauges the alert rules of manifests/monitoring read, rendered as
/// `/metrics` renders them, after real reconcile passes against the emulator.
@Suite(.serialized) struct AlertMetricsTests {
    typealias H = ReconcilerHarness
    static let pool = "media/burst"

    static func blocked(_ reason: String) -> String {
        "runpod_autoscaler_pool_creates_blocked{pool=\"\(pool)\",reason=\"\(reason)\"}"
    }

    static let pendingAge = "runpod_autoscaler_pool_oldest_pending_pod_age_seconds{pool=\"\(pool)\"}"

    /// The reasons creates are held back for, as the exposition shows them.
    static func blockedReasons(_ exposition: Exposition) -> [String: Double?] {
        Dictionary(uniqueKeysWithValues: CreateBlock.reasons.map { ($0, exposition.value(blocked($0))) })
    }

    @Test func aPoolStatusBecomesItsGauges() {
        let metrics = AutoscalerMetrics(grpcMethods: [])
        let t0 = H.t0
        let pod = ObservedPod(
            id: "p1", name: "rpa-media-burst-a", phase: .pending, status: "STARTING", offering: H.ada,
            costPerHour: 0.69, createdAt: t0.addingTimeInterval(-75))
        let status = PoolReconcileStatus(
            desired: 9, podsByStatus: ["STARTING": 1], running: 0, counted: 1, costPerHour: 0.69,
            block: .budget(used: 0.69, limit: 1), pods: [pod], stoppedReason: nil, at: t0)
        metrics.recordPool(PoolID(namespace: "media", name: "burst"), status)
        let exposition = Exposition(metrics)
        #expect(
            Self.blockedReasons(exposition)
                == [
                    "stopped": 0, "paused": 0, "lost_answer": 0, "no_capacity": 0, "budget": 1, "replacing": 0,
                    "prices_unknown": 0,
                ])
        #expect(exposition.value(Self.pendingAge) == 75)
        #expect(exposition.value("runpod_autoscaler_pool_desired_pods{pool=\"media/burst\"}") == 9)
        #expect(exposition.value("runpod_autoscaler_pool_pods{pool=\"media/burst\",status=\"STARTING\"}") == 1)
        #expect(exposition.value("runpod_autoscaler_pool_pods{pool=\"media/burst\",status=\"OTHER\"}") == 0)
        metrics.setOrphanPods(3)
        metrics.setCreatesStopped(true)
        let later = Exposition(metrics)
        #expect(later.value("runpod_autoscaler_orphan_pods") == 3)
        #expect(later.value("runpod_autoscaler_runpod_creates_stopped") == 1)
        #expect(later.text.contains("# TYPE runpod_autoscaler_pool_creates_blocked gauge"))
    }

    @Test func theBudgetBlockComesAndGoesWithDesired() async throws {
        var pool = H.defaultPool()
        pool.maxCostPerHour = 2.5
        let h = try await H(pool: pool)
        h.setDesired(10)
        await h.step()
        #expect(h.pods.count == 3)
        let over = Exposition(h.metrics)
        #expect(over.value(Self.blocked("budget")) == 1, "3 × 0.69 = 2.07; a fourth would be 2.76")
        #expect(over.value(Self.blocked("no_capacity")) == 0)
        h.setDesired(3)
        await h.step()
        #expect(Exposition(h.metrics).value(Self.blocked("budget")) == 0, "at desired: nothing is held back")
        await h.shutdown()
    }

    @Test func theBudgetCutOfThePolicyIsExported() async throws {
        var pool = H.defaultPool()
        pool.maxCostPerHour = 1.0
        let h = try await H(pool: pool, desiredFromPolicy: true)
        h.setDemand(queueDepth: 95)
        await h.step()
        h.metrics.recordSnapshot(h.store.snapshot, inputs: h.store.inputs)
        let cut = Exposition(h.metrics)
        #expect(cut.value("runpod_autoscaler_burst_demand{pool=\"media/burst\"}") == 1, "1.0 USD/h buys one pod")
        #expect(cut.value("runpod_autoscaler_burst_over_budget{pool=\"media/burst\"}") == 9, "10 wanted, no local GPU")
        await h.step()
        #expect(h.pods.count == 1)
        h.setDemand(queueDepth: 0)
        h.metrics.recordSnapshot(h.store.snapshot, inputs: h.store.inputs)
        #expect(Exposition(h.metrics).value("runpod_autoscaler_burst_over_budget{pool=\"media/burst\"}") == 0)
        await h.shutdown()
    }

    @Test(arguments: [FaultKind.unauthorized, .paymentRequired])
    func aRefusedAccountSetsCreatesStoppedUntilCreatesWork(kind: FaultKind) async throws {
        let h = try await H()
        await h.step()
        #expect(Exposition(h.metrics).value("runpod_autoscaler_runpod_creates_stopped") == 0)
        h.emulator.addFault(FaultRule(kind: kind, operations: ["create"], count: 1))
        h.setDesired(2)
        await h.step()
        let stopped = Exposition(h.metrics)
        #expect(stopped.value("runpod_autoscaler_runpod_creates_stopped") == 1)
        #expect(stopped.value(Self.blocked("stopped")) == 0, "the pass that was refused planned before the answer")
        await h.step(10)
        #expect(Exposition(h.metrics).value(Self.blocked("stopped")) == 1, "the next pass holds creates back")
        #expect(!Exposition(h.metrics).text.contains("test-key"))
        // The stop lasts 300 s, then one create is tried again and works.
        await h.step(300)
        #expect(h.pods.count == 2)
        let resumed = Exposition(h.metrics)
        #expect(resumed.value("runpod_autoscaler_runpod_creates_stopped") == 0)
        #expect(resumed.value(Self.blocked("stopped")) == 0)
        await h.shutdown()
    }

    @Test func aRefusedListAlsoStopsCreates() async throws {
        let h = try await H()
        h.emulator.addFault(FaultRule(kind: .unauthorized, operations: ["list"], count: 100))
        await h.step()
        #expect(Exposition(h.metrics).value("runpod_autoscaler_runpod_creates_stopped") == 1)
        await h.step(400)
        #expect(
            Exposition(h.metrics).value("runpod_autoscaler_runpod_creates_stopped") == 1,
            "every list is refused: the stop is renewed, it never lapses")
        await h.shutdown()
    }

    /// After its pause an offering is tried again within the pass and re-planned
    /// when it still has no capacity: the gauge never shows the plan in between.
    @Test func noCapacityHoldsThroughTheRetryOfAPass() async throws {
        var pool = H.defaultPool()
        pool.template.gpuTypeIds = [H.ada.gpuTypeId]
        pool.template.clouds = [.secure]
        var configuration = EmulatorConfiguration()
        configuration.capacity = [H.ada.gpuTypeId: ["SECURE": 0]]
        let h = try await H(pool: pool, emulator: configuration)
        let port = try #require(h.emulator.port)
        let held = HeldCreates(
            base: RunPodClient(baseURL: "http://127.0.0.1:\(port)", apiKey: "test-key", http: h.http))
        var settings = PodReconciler.Settings(naming: PodNaming(prefix: h.prefix))
        settings.orphanGraceSeconds = 30
        let clock = h.clock
        let reconciler = PodReconciler(
            provider: held, store: h.store, metrics: h.metrics, settings: settings,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { clock.now },
            desired: { _, _ in 1 })
        await reconciler.pass()
        #expect(Exposition(h.metrics).value(Self.blocked("no_capacity")) == 1)

        held.holdCreates()
        clock.advance(61)
        let pass = Task { await reconciler.pass() }
        await held.createStarted.wait()
        #expect(
            Exposition(h.metrics).value(Self.blocked("no_capacity")) == 1,
            "the pause is over and a create is in flight: the last finished pass still counts")
        held.release.open()
        await pass.value
        #expect(Exposition(h.metrics).value(Self.blocked("no_capacity")) == 1)
        #expect(Exposition(h.metrics).value(Self.blocked("budget")) == 0)
        #expect(h.emulator.callCounts[.create] == 2, "one try per pause")
        await h.shutdown()
    }

    @Test func thePendingAgeFollowsTheOldestStartingPod() async throws {
        var configuration = EmulatorConfiguration()
        configuration.provisioningSeconds = 60
        configuration.startingSeconds = 0
        let h = try await H(emulator: configuration)
        h.setDesired(1)
        await h.step()
        #expect(Exposition(h.metrics).value(Self.pendingAge) == 0, "the create was sent; no list has shown it yet")
        await h.step(40)
        #expect(Exposition(h.metrics).value(Self.pendingAge) == 40)
        await h.step(30)
        #expect(h.pods.first?.status == .running)
        #expect(Exposition(h.metrics).value(Self.pendingAge) == 0)
        await h.shutdown()
    }

    @Test func orphansAreCountedUntilTheyAreTerminated() async throws {
        let first = try await H()
        first.setDesired(2)
        await first.step()
        #expect(Exposition(first.metrics).value("runpod_autoscaler_orphan_pods") == 0)
        var other = H.defaultPool()
        other.id = PoolID(namespace: "media", name: "gone")
        let second = try await H(pool: other, clock: first.clock, existing: first.emulator)
        second.setDesired(0)
        await second.step()
        #expect(Exposition(second.metrics).value("runpod_autoscaler_orphan_pods") == 2, "within the 30 s grace")
        await second.step(31)
        #expect(first.pods.isEmpty)
        await second.step()
        #expect(Exposition(second.metrics).value("runpod_autoscaler_orphan_pods") == 0)
        second.http.shutdown()
        await first.shutdown()
    }
}
