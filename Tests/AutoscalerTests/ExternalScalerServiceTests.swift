import Decisions
import Foundation
import LibGRPCServer
import Logging
import ScalerProtos
import SwiftProtobuf
import Synchronization
import Testing

@testable import Autoscaler

/// The scaler's answers, byte for byte, from a store fed by hand on a fixed clock.
@Suite struct ExternalScalerServiceTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func makeStore(queue: Int?, gpus: Int = 4, staleAfter: Double = 120, readAt: Date = t0) -> ScalerStateStore {
        var burst = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        burst.scaling.scaleDownIdleSeconds = 0
        let other = PoolSpec(id: PoolID(namespace: "batch", name: "encode"))
        var demand = SourceStatus(name: "file", location: "/tmp/demand.json")
        if let queue { demand.lastGood = DemandReading(queueDepth: queue, latencyP95Seconds: 2, readAt: readAt) }
        let inputs = ScalerInputs(
            pools: [burst, other], demand: demand, local: LocalCapacity(gpus: gpus, usedByOthers: 0),
            staleAfterSeconds: staleAfter)
        return ScalerStateStore(inputs: inputs, now: t0, logger: Logger(label: "test"))
    }

    static func ref(_ metadata: [String: String], namespace: String = "media") -> [UInt8] {
        var ref = Externalscaler_ScaledObjectRef()
        ref.name = "burst-scaler"
        ref.namespace = namespace
        ref.scalerMetadata = metadata
        return try! ref.serializedBytes()
    }

    static func metricsRequest(_ metadata: [String: String], name: String) -> [UInt8] {
        var request = Externalscaler_GetMetricsRequest()
        request.scaledObjectRef = try! Externalscaler_ScaledObjectRef(serializedBytes: ref(metadata))
        request.metricName = name
        return try! request.serializedBytes()
    }

    func failure(_ result: Result<[UInt8], GRPCStatus>) -> GRPCStatus? {
        if case .failure(let status) = result { return status }
        return nil
    }

    @Test func answersKEDAsCallPattern() throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 95))
        let spec = try Externalscaler_GetMetricSpecResponse(
            serializedBytes: service.getMetricSpec(Self.ref(["pool": "burst"])).get())
        #expect(spec.metricSpecs.count == 1)
        let name = spec.metricSpecs[0].metricName
        #expect(name == "runpod-media-burst-burst")
        #expect(spec.metricSpecs[0].targetSize == 1 && spec.metricSpecs[0].targetSizeFloat == 1)

        let metrics = try Externalscaler_GetMetricsResponse(
            serializedBytes: service.getMetrics(Self.metricsRequest(["pool": "burst"], name: name)).get())
        #expect(metrics.metricValues.count == 1)
        #expect(metrics.metricValues[0].metricValue == 6, "95 jobs: 10 wanted, 4 local, 6 burst")
        #expect(metrics.metricValues[0].metricValueFloat == 6)

        let active = try Externalscaler_IsActiveResponse(
            serializedBytes: service.isActive(Self.ref(["pool": "burst"])).get())
        #expect(active.result)
    }

    @Test(arguments: [
        (ScalerMetric.burst, 6.0), (.wanted, 10), (.queueDepth, 95), (.localAvailable, 4), (.runpodPods, 0),
        (.runpodHeadroom, 20),
    ])
    func reportsEachMetric(metric: ScalerMetric, value: Double) throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 95))
        let bytes = try service.getMetrics(
            Self.metricsRequest(["pool": "media/burst", "metric": metric.rawValue], name: "x")
        ).get()
        let response = try Externalscaler_GetMetricsResponse(serializedBytes: bytes)
        #expect(response.metricValues.first?.metricValueFloat == value)
        #expect(
            response.metricValues.first?.metricName
                == MetricNaming.name(pool: PoolID(namespace: "media", name: "burst"), metric: metric))
    }

    @Test func specHonoursTargetValueAndMetricDefaults() throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 0))
        let custom = try Externalscaler_GetMetricSpecResponse(
            serializedBytes: service.getMetricSpec(Self.ref(["pool": "burst", "targetValue": "2.5"])).get())
        #expect(custom.metricSpecs[0].targetSizeFloat == 2.5)
        #expect(custom.metricSpecs[0].targetSize == 3)
        let queue = try Externalscaler_GetMetricSpecResponse(
            serializedBytes: service.getMetricSpec(Self.ref(["pool": "burst", "metric": "queueDepth"])).get())
        #expect(queue.metricSpecs[0].targetSizeFloat == 10)
        #expect(queue.metricSpecs[0].metricName == "runpod-media-burst-queue-depth")
    }

    /// FuzzKEDARequest: one GetMetricSpec with `targetValue: "1e30"` trapped the server converting the target to
    /// the deprecated Int64 field.
    @Test func aTargetBeyondInt64HoldsTheIntegerFieldAtItsMax() throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 95))
        let spec = try Externalscaler_GetMetricSpecResponse(
            serializedBytes: service.getMetricSpec(Self.ref(["pool": "burst", "targetValue": "1e30"])).get())
        #expect(spec.metricSpecs.first?.targetSize == .max)
        #expect(spec.metricSpecs.first?.targetSizeFloat == 1e30)
    }

    /// FuzzConfigLoader: `maxReplicas: 9223372036854775807` made the headroom Double(Int.max), which rounds past
    /// Int64.max and trapped encoding GetMetrics' integer field.
    @Test func aHeadroomOfIntMaxIsEncoded() throws {
        var pool = PoolSpec(id: PoolID(namespace: "media", name: "burst"))
        pool.maxReplicas = .max
        pool.maxCostPerHour = nil
        var demand = SourceStatus(name: "file", location: "demand.json")
        demand.lastGood = DemandReading(queueDepth: 95, latencyP95Seconds: 2, readAt: Self.t0)
        let inputs = ScalerInputs(
            pools: [pool], demand: demand, local: LocalCapacity(gpus: .max, usedByOthers: 0), staleAfterSeconds: 120)
        let service = ExternalScalerService(
            store: ScalerStateStore(inputs: inputs, now: Self.t0, logger: Logger(label: "test")))
        let bytes = try service.getMetrics(
            Self.metricsRequest(["pool": "burst", "metric": "runpodHeadroom"], name: "x")
        ).get()
        let value = try #require(try Externalscaler_GetMetricsResponse(serializedBytes: bytes).metricValues.first)
        #expect(value.metricValue == .max && value.metricValueFloat == Double(Int.max))
    }

    @Test func inactiveWithAnEmptyQueue() throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 0))
        let active = try Externalscaler_IsActiveResponse(
            serializedBytes: service.isActive(Self.ref(["pool": "burst"])).get())
        #expect(!active.result)
    }

    @Test func errorsCarryTheRightCodes() throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 10))
        let missing = try #require(failure(service.isActive(Self.ref([:]))))
        #expect(missing.code == .invalidArgument && missing.message.contains("\"pool\""))
        let badMetric = try #require(failure(service.getMetricSpec(Self.ref(["pool": "burst", "metric": "gpu"]))))
        #expect(badMetric.code == .invalidArgument && badMetric.message.contains("\"metric\""))
        let unknown = try #require(failure(service.isActive(Self.ref(["pool": "nope"]))))
        #expect(unknown.code == .notFound)
        #expect(unknown.message.contains("media/burst") && unknown.message.contains("batch/encode"))
        let wrongNamespace = try #require(failure(service.isActive(Self.ref(["pool": "other/burst"]))))
        #expect(wrongNamespace.code == .notFound)
        let garbage = try #require(failure(service.isActive([0xff, 0xff, 0xff])))
        #expect(garbage.code == .invalidArgument && garbage.message.contains("ScaledObjectRef"))
        let noRef = try #require(failure(service.getMetrics(try Externalscaler_GetMetricsRequest().serializedBytes())))
        #expect(noRef.code == .invalidArgument && noRef.message.contains("scaledObjectRef"))
    }

    @Test func bareNamesResolveAcrossNamespacesWhenUnique() throws {
        let service = ExternalScalerService(store: Self.makeStore(queue: 10))
        let response = service.getMetricSpec(Self.ref(["pool": "encode"], namespace: "media"))
        let spec = try Externalscaler_GetMetricSpecResponse(serializedBytes: response.get())
        #expect(spec.metricSpecs[0].metricName == "runpod-batch-encode-burst")
    }

    @Test func staleSourceAnswersUnavailableNeverFalse() throws {
        let store = Self.makeStore(queue: 95, staleAfter: 30, readAt: Self.t0)
        store.tick(now: Self.t0.addingTimeInterval(45))
        let service = ExternalScalerService(store: store)
        let status = try #require(failure(service.isActive(Self.ref(["pool": "burst"]))))
        #expect(status.code == .unavailable)
        #expect(status.message.contains("file"))
        #expect(status.message.contains("45s old"))
        let metric = try #require(failure(service.getMetrics(Self.metricsRequest(["pool": "burst"], name: "x"))))
        #expect(metric.code == .unavailable)
        // Values that do not come from the demand source are still served.
        let local = try service.getMetrics(
            Self.metricsRequest(["pool": "burst", "metric": "localAvailable"], name: "x")
        ).get()
        #expect(try Externalscaler_GetMetricsResponse(serializedBytes: local).metricValues[0].metricValue == 4)
        // GetMetricSpec never depends on the source.
        #expect(throws: Never.self) { try service.getMetricSpec(Self.ref(["pool": "burst"])).get() }
    }

    @Test func neverReadSourceIsUnavailableWithItsLastError() throws {
        let store = Self.makeStore(queue: nil)
        store.update(now: Self.t0) { $0.demand.lastError = "cannot read /tmp/demand.json" }
        let status = try #require(failure(ExternalScalerService(store: store).isActive(Self.ref(["pool": "burst"]))))
        #expect(status.code == .unavailable)
        #expect(status.message.contains("no good reading yet") && status.message.contains("cannot read"))
    }

    @Test func demandChangesReachTheAnswers() throws {
        let store = Self.makeStore(queue: 0)
        let service = ExternalScalerService(store: store)
        store.update(now: Self.t0.addingTimeInterval(1)) {
            $0.demand.lastGood = DemandReading(
                queueDepth: 200, latencyP95Seconds: 0, readAt: Self.t0.addingTimeInterval(1))
        }
        let bytes = try service.getMetrics(Self.metricsRequest(["pool": "burst"], name: "x")).get()
        #expect(try Externalscaler_GetMetricsResponse(serializedBytes: bytes).metricValues[0].metricValue == 17)
    }

    @Test func subscribersSeeEveryNewSnapshot() {
        let store = Self.makeStore(queue: 0)
        let seen = Mutex<[Int]>([])
        let id = store.subscribe { snapshot in seen.withLock { $0.append(snapshot.generation) } }
        store.tick(now: Self.t0)
        store.tick(now: Self.t0)
        store.unsubscribe(id)
        store.tick(now: Self.t0)
        #expect(seen.withLock { $0 } == [1, 2])
    }
}
