// The bytes of a KEDA request (ScaledObjectRef or GetMetricsRequest) through the scaler's unary handlers, as the
// gRPC server hands them over: decoding, scalerMetadata parsing, pool resolution and the encoded answer.
import Decisions
import Foundation
import LibGRPCServer
import Logging
import ScalerProtos
import SwiftProtobuf

@testable import Autoscaler

/// A store with two pools and a fresh reading, built once: requests only read it.
let service: ExternalScalerService = {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var demand = SourceStatus(name: "fuzz", location: "fuzz")
    demand.lastGood = DemandReading(queueDepth: 95, latencyP95Seconds: 12, readAt: now)
    let pools = [
        PoolSpec(id: PoolID(namespace: "media", name: "burst")),
        PoolSpec(id: PoolID(namespace: "batch", name: "encode")),
    ]
    let inputs = ScalerInputs(
        pools: pools, demand: demand, local: LocalCapacity(gpus: 4, usedByOthers: 0), staleAfterSeconds: 120)
    return ExternalScalerService(store: ScalerStateStore(inputs: inputs, now: now, logger: Logger(label: "fuzz")))
}()

/// What a client may be told: its own mistakes or the state of the pool, never INTERNAL.
let acceptable: Set<StatusCode> = [.invalidArgument, .notFound, .unavailable]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKEDARequest(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    for answer in [service.isActive(bytes), service.getMetricSpec(bytes), service.getMetrics(bytes)] {
        if case .failure(let status) = answer {
            precondition(acceptable.contains(status.code), "unexpected status \(status)")
        }
    }

    // A request that decodes re-encodes to an equal message, and metadata that parses holds only valid values.
    guard let reference = try? Externalscaler_ScaledObjectRef(serializedBytes: bytes) else { return 0 }
    let encoded: [UInt8]
    do {
        encoded = try reference.serializedBytes()
    } catch {
        preconditionFailure("a decoded ScaledObjectRef does not encode: \(error)")
    }
    precondition((try? Externalscaler_ScaledObjectRef(serializedBytes: encoded)) == reference, "round trip differs")
    if case .success(let metadata) = ScalerMetadata.parse(reference.scalerMetadata) {
        precondition(ScalerMetadata.isDNSLabel(metadata.pool.name), "pool name \(metadata.pool.name)")
        precondition(metadata.pool.namespace.map(ScalerMetadata.isDNSLabel) ?? true, "pool namespace")
        precondition(metadata.targetValue.map { $0.isFinite && $0 > 0 } ?? true, "targetValue")
    }
    return 0
}
