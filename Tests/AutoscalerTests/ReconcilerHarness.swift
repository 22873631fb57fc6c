import CurlHTTP
import Decisions
import Foundation
import Logging
import RunPodAPI
import RunPodEmulator
import Synchronization
import TestSupport

@testable import Autoscaler

/// The real reconciler against the real emulator over loopback HTTP, with
/// one manual clock for both, and the desired count set by the test.
final class ReconcilerHarness: Sendable {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let ada = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .secure)
    static let adaCommunity = Offering(gpuTypeId: "NVIDIA RTX 6000 Ada Generation", cloud: .community)
    static let l40s = Offering(gpuTypeId: "NVIDIA L40S", cloud: .secure)

    let clock: ManualClock
    let emulator: RunPodEmulator
    let http: HTTPClient
    let store: ScalerStateStore
    let metrics: AutoscalerMetrics
    /// The desired count the reconciler reads; nil: no decision.
    final class Desired: Sendable {
        let value = Mutex<Int?>(0)
    }

    let desired = Desired()
    let pool: PoolSpec
    let prefix: String
    let reconciler: PodReconciler

    static func defaultPool() -> PoolSpec {
        var pool = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        pool.template.image = "worker:1"
        pool.maxReplicas = 20
        pool.maxCostPerHour = 15
        pool.scaling.provisionTimeoutSeconds = 120
        pool.scaling.unavailableOfferingSeconds = 60
        return pool
    }

    init(
        pool: PoolSpec = defaultPool(), emulator configuration: EmulatorConfiguration = EmulatorConfiguration(),
        clock: ManualClock = ManualClock(t0), prefix: String = "rpa", dryRun: Bool = false,
        existing: RunPodEmulator? = nil, desiredFromPolicy: Bool = false, httpTimeout: Duration = .seconds(2)
    ) async throws {
        self.clock = clock
        self.pool = pool
        self.prefix = prefix
        var configuration = configuration
        configuration.listen = "127.0.0.1:0"
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        emulator = existing ?? RunPodEmulator(configuration: configuration, logger: logger, now: { clock.now })
        let port = existing == nil ? try await emulator.start() : (emulator.port ?? 0)
        http = HTTPClient(configuration: .init(timeout: httpTimeout))
        store = ScalerStateStore(
            inputs: ScalerInputs(
                pools: [pool], demand: SourceStatus(name: "test", location: "-"),
                local: LocalCapacity(gpus: 0, usedByOthers: 0), staleAfterSeconds: 60),
            now: clock.now, logger: logger)
        metrics = AutoscalerMetrics(grpcMethods: [])
        let client = RunPodClient(baseURL: "http://127.0.0.1:\(port)", apiKey: "test-key", http: http)
        var settings = PodReconciler.Settings(naming: PodNaming(prefix: prefix))
        settings.dryRun = dryRun
        settings.orphanGraceSeconds = 30
        let desired = self.desired
        reconciler = PodReconciler(
            provider: client, store: store, metrics: metrics, settings: settings, logger: logger,
            now: { clock.now },
            desired: { spec, snapshot in
                desiredFromPolicy ? snapshot.pools[spec.id]?.decision?.burst : desired.value.withLock { $0 }
            })
    }

    /// Moves time on and runs one pass.
    func step(_ seconds: Double = 5) async {
        clock.advance(seconds)
        await reconciler.pass()
    }

    /// Publishes a demand reading taken now (for `desiredFromPolicy`).
    func setDemand(queueDepth: Int) {
        let now = clock.now
        store.update(now: now) { inputs in
            inputs.demand.lastGood = DemandReading(queueDepth: queueDepth, latencyP95Seconds: 0, readAt: now)
        }
    }

    func setDesired(_ count: Int?) {
        desired.value.withLock { $0 = count }
    }

    /// Pods of the pool that exist in the emulator (not terminated).
    var pods: [EmulatedPod] {
        emulator.pods.filter { $0.status != .terminated && $0.name.hasPrefix("\(prefix)-media-burst-") }
    }

    var cost: Double { pods.reduce(0) { $0 + $1.pricePerHour } }

    func shutdown() async {
        http.shutdown()
        await emulator.stop()
    }
}
