import Decisions
import LibGRPCServer
import Prometheus
import Synchronization

/// The `runpod_autoscaler_*` metrics of DESIGN.md over one Prometheus
/// registry. Counters used on the gRPC path are made up front so recording
/// is an atomic add, not a registry lookup.
public final class AutoscalerMetrics: Sendable {
    public static let prefix = "runpod_autoscaler_"
    public let registry = PrometheusCollectorRegistry()

    private let grpcCalls: [String: [StatusCode: Counter]]
    /// Outside the registry: recorded without its lock, rendered after it.
    private let grpcDurations: [String: DurationBuckets]
    private let otherGRPCMethod: String = "other"
    /// Outside the registry too: per-pool gauges as numbers, rendered after it.
    private let poolGauges = PoolGaugeTable()

    /// - Parameter grpcMethods: the served method paths; calls to other paths
    ///   are counted under `method="other"`.
    public init(grpcMethods: [String]) {
        var calls: [String: [StatusCode: Counter]] = [:]
        var durations: [String: DurationBuckets] = [:]
        let buckets: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(5), .milliseconds(25), .milliseconds(100), .seconds(1),
        ]
        for method in grpcMethods + ["other"] {
            var byCode: [StatusCode: Counter] = [:]
            for code in StatusCode.allCases {
                byCode[code] = registry.makeCounter(
                    name: Self.prefix + "grpc_requests_total", labels: [("method", method), ("code", "\(code)")],
                    help: "gRPC calls by method and status code")
            }
            calls[method] = byCode
            durations[method] = Self.makeDurationHistogram(
                name: Self.prefix + "grpc_request_duration_seconds", method: method, buckets: buckets)
        }
        grpcCalls = calls
        grpcDurations = durations
    }

    // MARK: gRPC

    /// Counts one finished call.
    public func recordCall(method: String, code: StatusCode, duration: Duration) {
        recorder(for: method)(code, duration)
    }

    /// For `ServerConfiguration.callRecorder`: the method's counters, looked up
    /// once, so recording a call is an atomic add and no dictionary lookup.
    public func recorder(for method: String) -> @Sendable (StatusCode, Duration) -> Void {
        let key = grpcCalls[method] == nil ? otherGRPCMethod : method
        let byCode = grpcCalls[key] ?? [:]
        let counters = StatusCode.allCases.map { byCode[$0] }
        let durations = grpcDurations[key]
        return { code, duration in
            counters[Int(code.rawValue)]?.increment()
            durations?.record(duration)
        }
    }

    // MARK: Demand and decisions

    public func setLeader(_ isLeader: Bool) {
        registry.makeGauge(name: Self.prefix + "leader", help: "1 when this replica reconciles (leader), else 0")
            .set(to: isLeader ? 1 : 0)
    }

    public func recordSnapshot(_ snapshot: ScalerSnapshot, inputs: ScalerInputs) {
        if let reading = inputs.demand.lastGood {
            gauge("queue_depth", help: "Jobs waiting, as last read").set(to: Double(reading.queueDepth))
            gauge("latency_p95_seconds", help: "p95 job latency, as last read").set(to: reading.latencyP95Seconds)
            gauge(
                "source_last_success_timestamp_seconds", [("source", "demand_\(inputs.demand.name)")],
                help: "Unix time of the source's last good reading"
            ).set(to: reading.readAt.timeIntervalSince1970)
        }
        gauge("local_gpus", [("state", "allocatable")], help: "Local GPUs by state").set(to: Double(inputs.local.gpus))
        gauge("local_gpus", [("state", "used_by_others")], help: "Local GPUs by state")
            .set(to: Double(inputs.local.usedByOthers))
        gauge("local_gpus", [("state", "available")], help: "Local GPUs by state").set(
            to: Double(inputs.local.available))
        for (id, view) in snapshot.pools {
            if let decision = view.decision {
                poolGauges.update(id) { row in
                    row["burst_demand"] = Double(decision.burst)
                    row["burst_over_budget"] = Double(decision.overBudget)
                }
            }
        }
    }

    // MARK: Reconciler

    /// A pool's state after a reconcile pass: what it matches, what it has,
    /// what it costs, why creates are held back and how long a pod has been starting.
    public func recordPool(_ pool: PoolID, _ status: PoolReconcileStatus) {
        poolGauges.update(pool) { row in
            row["pool_desired_pods"] = Double(status.desired)
            for phase in ["PROVISIONING", "STARTING", "RUNNING", "EXITED", "ERROR", "OTHER"] {
                row["pool_pods", phase] = Double(status.podsByStatus[phase] ?? 0)
            }
            row["pool_cost_per_hour_dollars"] = status.costPerHour
            // Every reason is written, so an alert sees 0 rather than no series.
            for reason in CreateBlock.reasons {
                row["pool_creates_blocked", reason] = status.block?.reason == reason ? 1 : 0
            }
            row["pool_oldest_pending_pod_age_seconds"] = status.oldestPendingSeconds
        }
    }

    /// Pods with our prefix whose pool no longer exists, as last listed.
    public func setOrphanPods(_ count: Int) {
        gauge("orphan_pods", help: "Pods with this autoscaler's prefix whose pool no longer exists, as last listed")
            .set(to: Double(count))
    }

    /// Whether RunPod refused the account (401, 403 or 402) and creates are stopped.
    public func setCreatesStopped(_ stopped: Bool) {
        gauge("runpod_creates_stopped", help: "1 while creates are stopped because RunPod answered 401, 403 or 402")
            .set(to: stopped ? 1 : 0)
    }

    public func recordCreation(pool: PoolID, offering: Offering, result: String) {
        counter(
            "pod_creations_total",
            [
                ("pool", "\(pool)"), ("gpu_type", offering.gpuTypeId), ("cloud", offering.cloud.rawValue),
                ("result", result),
            ],
            help: "Pod creates by result"
        ).increment()
    }

    public func recordTermination(pool: String, reason: TerminationReason) {
        counter(
            "pod_terminations_total", [("pool", pool), ("reason", reason.rawValue)], help: "Pod terminations by reason"
        ).increment()
    }

    public func setOfferingUnavailable(_ offering: Offering, _ unavailable: Bool) {
        gauge(
            "offering_unavailable", [("gpu_type", offering.gpuTypeId), ("cloud", offering.cloud.rawValue)],
            help: "1 while the offering is skipped after a no-capacity answer"
        ).set(to: unavailable ? 1 : 0)
    }

    public func recordRunPodRequest(operation: String, code: String, seconds: Double) {
        counter(
            "runpod_api_requests_total", [("op", operation), ("code", code)], help: "RunPod API calls by result"
        ).increment()
        registry.makeValueHistogram(
            name: Self.prefix + "runpod_api_request_duration_seconds", labels: [("op", operation)],
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], help: "RunPod API call duration"
        ).record(seconds)
    }

    /// The request budget after a pass: calls left, and the calls it made wait for a later pass.
    public func recordBudget(remaining: Int, deferred: [String: Int]) {
        gauge("runpod_budget_remaining", help: "RunPod calls the reconciler may still make in the current window")
            .set(to: Double(remaining))
        for (operation, count) in deferred.sorted(by: { $0.key < $1.key }) {
            counter(
                "runpod_budget_deferred_total", [("op", operation)],
                help: "RunPod calls deferred to a later pass because the rate budget could not cover them"
            ).increment(by: Int64(count))
        }
    }

    public func recordReconcile(seconds: Double) {
        registry.makeValueHistogram(
            name: Self.prefix + "reconcile_duration_seconds", buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
            help: "Duration of one reconcile pass"
        ).record(seconds)
    }

    public func recordSourceSuccess(_ source: String, at seconds: Double) {
        gauge(
            "source_last_success_timestamp_seconds", [("source", source)],
            help: "Unix time of the source's last good reading"
        ).set(to: seconds)
    }

    // MARK: Attach

    /// A pool's tunnels by state (every state is written, so an alert sees 0 rather than no series).
    public func setTunnels(pool: PoolID, counts: [TunnelPhase: Int]) {
        poolGauges.update(pool) { row in
            for phase in TunnelPhase.allCases { row["tunnels", phase.rawValue] = Double(counts[phase] ?? 0) }
        }
    }

    /// A tunnel refused a changed host key (`host_key_changed`) or was not up in time (`timeout`).
    public func recordTunnelFailure(pool: PoolID, reason: String) {
        counter(
            "tunnel_failures_total", [("pool", "\(pool)"), ("reason", reason)],
            help: "Tunnel failures by reason (attach): host_key_changed, timeout"
        ).increment()
    }

    /// The text exposition format for `/metrics`.
    public func render() -> [UInt8] {
        var buffer = registry.emitToBuffer()
        poolGauges.render(prefix: Self.prefix, into: &buffer)
        buffer.append(contentsOf: "# HELP \(Self.durationName) gRPC call duration (streams: until they end)\n".utf8)
        buffer.append(contentsOf: "# TYPE \(Self.durationName) histogram\n".utf8)
        for method in grpcDurations.keys.sorted() { grpcDurations[method]?.emit(into: &buffer) }
        return buffer
    }

    private static let durationName = prefix + "grpc_request_duration_seconds"

    /// A histogram of the gRPC family, outside the registry (see `render()`).
    private static func makeDurationHistogram(name: String, method: String, buckets: [Duration]) -> DurationBuckets {
        DurationBuckets(name: name, labels: "method=\"\(PrometheusLabel.escape(method))\"", bounds: buckets)
    }

    private func gauge(_ name: String, _ labels: [(String, String)] = [], help: String) -> Gauge {
        labels.isEmpty
            ? registry.makeGauge(name: Self.prefix + name, help: help)
            : registry.makeGauge(name: Self.prefix + name, labels: labels, help: help)
    }

    private func counter(_ name: String, _ labels: [(String, String)], help: String) -> Counter {
        registry.makeCounter(name: Self.prefix + name, labels: labels, help: help)
    }
}
