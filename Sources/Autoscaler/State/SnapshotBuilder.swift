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
        /// Whether the snapshot's pools are the previous snapshot's table itself: no pool shows anything new.
        public var poolsUnchanged = false
    }

    /// `previous`: the snapshot this one replaces; a pool whose answers would be the same bytes keeps its
    /// previous ones instead of encoding them again (the store rebuilds every second, for every pool).
    public static func build(
        inputs: ScalerInputs, memory: [PoolID: PolicyMemory], now: Date, generation: Int,
        previous: ScalerSnapshot? = nil
    ) -> Output {
        var views = CopyOnChangeTable(previous: previous?.pools ?? [:], capacity: inputs.pools.count)
        var newMemory = CopyOnChangeTable(previous: memory, capacity: inputs.pools.count)
        let fresh = inputs.demand.freshReading(now: now, staleAfter: inputs.staleAfterSeconds)
        var stale: SharedStaleSource?
        if case .failure(let source) = fresh { stale = SharedStaleSource(source) }
        let following = inputs.followedLeader.map { $0.validUntil > now } ?? false
        // The first build encodes every pool's specs before any view. The specs live as long as their pool,
        // the first views only until demand is first read: kept apart, those free as one block rather than
        // leave a hole between every two pools' specs.
        let firstSpecs = previous == nil ? inputs.pools.map(encodeSpecs) : []
        for (index, spec) in inputs.pools.enumerated() {
            let id = spec.id
            let specs = firstSpecs.isEmpty ? nil : firstSpecs[index]
            let before = previous?.pools[id]
            let memoryBefore = memory[id]
            let cluster = inputs.clusterPools[id]
            if let published = cluster?.published,
                published.servable(following: inputs.followedLeader, now: now, staleAfter: inputs.staleAfterSeconds)
            {
                // The leader's answer, so every replica gives KEDA the same one.
                newMemory.set(id, published.decision.memory, before: memoryBefore)
                let view = self.view(
                    spec: spec, decision: published.decision, unavailable: nil, values: PerMetric(published.values),
                    servedFrom: published.leader, ownDecisionReason: nil, specs: specs, reusing: before)
                views.set(id, view, before: before)
                continue
            }
            // A replica that does not call RunPod (a follower) has the pods from the leader's status.
            let pods = inputs.runpodPods[id] ?? cluster?.statusPods ?? 0
            let running = inputs.runpodRunning[id] ?? cluster?.statusRunning ?? 0
            let podPrice = inputs.podPrices[id] ?? cluster?.statusPodPrice
            var ownDecisionReason: String?
            var remembered = memoryBefore ?? PolicyMemory()
            if following, let leader = inputs.followedLeader {
                if let published = cluster?.published, published.leader == leader.identity {
                    // Stale, but its hold and idle timer are still better than starting from nothing.
                    if memoryBefore == nil { remembered = published.decision.memory }
                    ownDecisionReason =
                        "the decision \(leader.identity) published is "
                        + "\(Int(now.timeIntervalSince(published.publishedAt)))s old (stale after "
                        + "\(Int(inputs.staleAfterSeconds))s)"
                } else {
                    ownDecisionReason = "\(leader.identity) leads but has published no decision for this pool"
                }
            }
            var values = PerMetric<Double?>(repeating: nil)
            values[.localAvailable] = Double(inputs.local.available)
            values[.runpodPods] = Double(pods)
            var decision: Decision?
            var unavailable: SharedStaleSource?
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
                newMemory.set(id, made.memory, before: memoryBefore)
                values[.burst] = Double(made.burst)
                values[.wanted] = Double(made.wanted)
                values[.queueDepth] = Double(reading.queueDepth)
            case .failure:
                unavailable = stale
                if let memoryBefore { newMemory.set(id, memoryBefore, before: memoryBefore) }
            }
            values[.runpodHeadroom] = Double(max(0, cap - pods))
            let view = self.view(
                spec: spec, decision: decision, unavailable: unavailable, values: values, servedFrom: nil,
                ownDecisionReason: ownDecisionReason, specs: specs, reusing: before)
            views.set(id, view, before: before)
        }
        // An unchanged table is kept rather than replaced by an equal one: at rest a rebuild then leaves
        // nothing behind in the heap.
        let poolsUnchanged = previous != nil && views.isUnchanged
        return Output(
            snapshot: ScalerSnapshot(
                generation: generation, pools: views.finish(pools: inputs.pools), previous: previous,
                samePools: poolsUnchanged),
            memory: newMemory.finish(pools: inputs.pools), poolsUnchanged: poolsUnchanged)
    }

    /// `previous` itself when it shows the same thing, else a new view (with `previous`'s answers if the
    /// bytes would be the same): at 1,000 pools a rebuild every second would otherwise churn a megabyte.
    static func view(
        spec: PoolSpec, decision: Decision?, unavailable: SharedStaleSource?, values: PerMetric<Double?>,
        servedFrom: String?, ownDecisionReason: String?, specs: PackedEncodings? = nil, reusing previous: PoolView?
    ) -> PoolView {
        if let previous, previous.decision == decision, previous.values == values,
            previous.unavailable == unavailable?.value, previous.servedFrom == servedFrom,
            previous.ownDecisionReason == ownDecisionReason, previous.spec == spec
        {
            return previous
        }
        return PoolView(
            spec: spec, decision: decision, unavailable: unavailable, values: values,
            answers: answers(
                for: spec, decision: decision, unavailable: unavailable, values: values, specs: specs,
                reusing: previous),
            servedFrom: servedFrom, ownDecisionReason: ownDecisionReason)
    }

    /// The answers for a pool. What `previous` holds is kept when it would be the same bytes: the specs while
    /// the spec is the same, the metrics while every value is (and each unchanged metric's bytes are copied
    /// rather than encoded again). An idle rebuild then allocates nothing, and a pool's first decision does not
    /// replace its specs, which would leave holes in the heap. `specs`: the spec's encodings, when made already.
    static func answers(
        for spec: PoolSpec, decision: Decision?, unavailable: SharedStaleSource?, values: PerMetric<Double?>,
        specs given: PackedEncodings? = nil, reusing previous: PoolView? = nil
    ) -> PoolAnswers {
        let same = previous.flatMap { $0.spec == spec ? $0 : nil }
        let unavailableStatus = unavailable?.status ?? Self.noDecision
        let specs = same?.answers.specs ?? given ?? encodeSpecs(spec)
        let metrics: PackedEncodings
        if let same, same.values == values {
            metrics = same.answers.metricBytes
        } else {
            metrics = PackedEncodings { metric -> [UInt8] in
                guard let value = values[metric] else { return [] }
                if let same, same.values[metric] == value { return Array(same.answers.metricBytes[metric]) }
                var response = Externalscaler_GetMetricsResponse()
                var metricValue = Externalscaler_MetricValue()
                metricValue.metricName = MetricNaming.name(pool: spec.id, metric: metric)
                metricValue.metricValue = Int64(Int(saturating: value.rounded(.up)))
                metricValue.metricValueFloat = value
                response.metricValues = [metricValue]
                return encode(response)
            }
        }
        return PoolAnswers(
            wantsBurst: decision?.wantsBurst, unavailable: unavailableStatus, metricBytes: metrics, specs: specs)
    }

    /// GetMetricSpec's responses for every metric at its default target.
    static func encodeSpecs(_ spec: PoolSpec) -> PackedEncodings {
        PackedEncodings { metric in
            encodeSpec(name: MetricNaming.name(pool: spec.id, metric: metric), target: metric.defaultTarget(for: spec))
        }
    }

    /// The status of a pool without a decision or a stale source to blame (a leader's decision lacking a metric).
    static let noDecision = GRPCStatus(.unavailable, "no decision")

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
