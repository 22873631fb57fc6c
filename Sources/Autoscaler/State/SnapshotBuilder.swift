import Decisions
import Foundation
import LibGRPCServer
import ScalerProtos
import SwiftProtobuf

/// Turns the observed inputs into decisions and encoded answers: a pure
/// function of inputs, the policy's memory and the time.
public enum SnapshotBuilder {
    public struct Output: Sendable {
        public var snapshot: ScalerSnapshot
        public var memory: [PoolID: PolicyMemory]
    }

    /// `previous`: the snapshot this one replaces; a pool whose answers would be the same bytes keeps its
    /// previous ones instead of encoding them again (the store rebuilds every second, for every pool).
    public static func build(
        inputs: ScalerInputs, memory: [PoolID: PolicyMemory], now: Date, generation: Int,
        previous: ScalerSnapshot? = nil
    ) -> Output {
        var views: [PoolID: PoolView] = [:]
        var newMemory: [PoolID: PolicyMemory] = [:]
        // Sized once: grown by doubling, every snapshot would leave its smaller tables behind as free space.
        views.reserveCapacity(inputs.pools.count)
        newMemory.reserveCapacity(inputs.pools.count)
        let fresh = inputs.demand.freshReading(now: now, staleAfter: inputs.staleAfterSeconds)
        let following = inputs.followedLeader.map { $0.validUntil > now } ?? false
        for spec in inputs.pools {
            let id = spec.id
            let cluster = inputs.clusterPools[id]
            if let published = cluster?.published,
                published.servable(following: inputs.followedLeader, now: now, staleAfter: inputs.staleAfterSeconds)
            {
                // The leader's answer, so every replica gives KEDA the same one.
                newMemory[id] = published.decision.memory
                views[id] = PoolView(
                    spec: spec, decision: published.decision, unavailable: nil, values: published.values,
                    answers: answers(
                        for: spec, decision: published.decision, unavailable: nil, values: published.values,
                        reusing: previous?.pools[id]),
                    servedFrom: published.leader)
                continue
            }
            // A replica that does not call RunPod (a follower) has the pods from the leader's status.
            let pods = inputs.runpodPods[id] ?? cluster?.statusPods ?? 0
            let running = inputs.runpodRunning[id] ?? cluster?.statusRunning ?? 0
            let podPrice = inputs.podPrices[id] ?? cluster?.statusPodPrice
            var ownDecisionReason: String?
            var remembered = memory[id] ?? PolicyMemory()
            if following, let leader = inputs.followedLeader {
                if let published = cluster?.published, published.leader == leader.identity {
                    // Stale, but its hold and idle timer are still better than starting from nothing.
                    if memory[id] == nil { remembered = published.decision.memory }
                    ownDecisionReason =
                        "the decision \(leader.identity) published is "
                        + "\(Int(now.timeIntervalSince(published.publishedAt)))s old (stale after "
                        + "\(Int(inputs.staleAfterSeconds))s)"
                } else {
                    ownDecisionReason = "\(leader.identity) leads but has published no decision for this pool"
                }
            }
            var values: [ScalerMetric: Double] = [
                .localAvailable: Double(inputs.local.available),
                .runpodPods: Double(pods),
            ]
            var decision: Decision?
            var unavailable: StaleSource?
            let cap = ScalingPolicy.burstCap(spec: spec, podPrice: podPrice)
            switch fresh {
            case .success(let reading):
                let input = PolicyInput(
                    demand: reading,
                    local: inputs.local,
                    servingWorkers: inputs.local.available.adding(saturating: running),
                    podPricePerHour: podPrice,
                    now: now
                )
                let made = ScalingPolicy.decide(spec: spec, input: input, memory: remembered)
                decision = made
                newMemory[id] = made.memory
                values[.burst] = Double(made.burst)
                values[.wanted] = Double(made.wanted)
                values[.queueDepth] = Double(reading.queueDepth)
            case .failure(let stale):
                unavailable = stale
                if let previous = memory[id] { newMemory[id] = previous }
            }
            values[.runpodHeadroom] = Double(max(0, cap - pods))
            views[id] = PoolView(
                spec: spec, decision: decision, unavailable: unavailable, values: values,
                answers: answers(
                    for: spec, decision: decision, unavailable: unavailable, values: values,
                    reusing: previous?.pools[id]),
                ownDecisionReason: ownDecisionReason)
        }
        return Output(snapshot: ScalerSnapshot(generation: generation, pools: views), memory: newMemory)
    }

    /// The answers for a pool, or `previous`'s when they depend on nothing that changed: the spec (names and
    /// targets), the values, whether there is a decision and whether it wants burst, and why there is none.
    static func answers(
        for spec: PoolSpec, decision: Decision?, unavailable: StaleSource?, values: [ScalerMetric: Double],
        reusing previous: PoolView?
    ) -> PoolAnswers {
        if let previous, previous.spec == spec, previous.values == values, previous.unavailable == unavailable,
            (previous.decision == nil) == (decision == nil), previous.answers.wantsBurst == decision?.wantsBurst
        {
            return previous.answers
        }
        return answers(for: spec, decision: decision, unavailable: unavailable, values: values)
    }

    static func answers(
        for spec: PoolSpec, decision: Decision?, unavailable: StaleSource?, values: [ScalerMetric: Double]
    ) -> PoolAnswers {
        let unavailableStatus = GRPCStatus(.unavailable, unavailable?.description ?? "no decision")
        var metrics: [ScalerMetric: Result<[UInt8], GRPCStatus>] = [:]
        var specs: [ScalerMetric: [UInt8]] = [:]
        // Sized once: grown by insertion, each table left its smaller predecessors as holes in the heap.
        metrics.reserveCapacity(ScalerMetric.allCases.count)
        specs.reserveCapacity(ScalerMetric.allCases.count)
        for metric in ScalerMetric.allCases {
            let name = MetricNaming.name(pool: spec.id, metric: metric)
            specs[metric] = encodeSpec(name: name, target: metric.defaultTarget(for: spec))
            if let value = values[metric] {
                var response = Externalscaler_GetMetricsResponse()
                var metricValue = Externalscaler_MetricValue()
                metricValue.metricName = name
                metricValue.metricValue = Int64(Int(saturating: value.rounded(.up)))
                metricValue.metricValueFloat = value
                response.metricValues = [metricValue]
                metrics[metric] = .success(encode(response))
            } else {
                metrics[metric] = .failure(unavailableStatus)
            }
        }
        let isActive: Result<[UInt8], GRPCStatus>
        if let decision {
            var response = Externalscaler_IsActiveResponse()
            response.result = decision.wantsBurst
            isActive = .success(encode(response))
        } else {
            isActive = .failure(unavailableStatus)
        }
        return PoolAnswers(isActive: isActive, wantsBurst: decision?.wantsBurst, metrics: metrics, specs: specs)
    }

    /// One MetricSpec with both target fields set (KEDA prefers the float).
    public static func encodeSpec(name: String, target: Double) -> [UInt8] {
        var spec = Externalscaler_MetricSpec()
        spec.metricName = name
        // The deprecated integer field of a target past Int64 (targetValue is the client's) holds at Int64.max.
        spec.targetSize = max(1, Int64(Int(saturating: target.rounded(.up))))
        spec.targetSizeFloat = target
        var response = Externalscaler_GetMetricSpecResponse()
        response.metricSpecs = [spec]
        return encode(response)
    }

    static func encode<M: SwiftProtobuf.Message>(_ message: M) -> [UInt8] {
        // Encoding a message built in memory from valid fields cannot fail.
        (try? message.serializedBytes()) ?? []
    }
}
