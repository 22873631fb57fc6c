import Decisions

/// A gauge family with one series per pool (`pool` label), or per pool and one more label's value.
struct PoolGaugeFamily: Sendable {
    /// Without the `runpod_autoscaler_` prefix.
    let name: String
    let help: String
    /// The second label (`status`, `reason`, `state`) and its values, in the order they are written.
    let split: (label: String, values: [String])?

    init(_ name: String, help: String, split: (label: String, values: [String])? = nil) {
        self.name = name
        self.help = help
        self.split = split
    }

    /// Series in the family: one per value of the second label, else one.
    var width: Int { split?.values.count ?? 1 }

    /// Every per-pool family, in the order `/metrics` writes them.
    static let all: [PoolGaugeFamily] = [
        PoolGaugeFamily("burst_demand", help: "RunPod pods the policy wants"),
        PoolGaugeFamily(
            "burst_over_budget",
            help: "RunPod pods the demand wants that maxCostPerHour does not buy at the pod price"),
        PoolGaugeFamily("pool_desired_pods", help: "Pods the reconciler is matching"),
        PoolGaugeFamily(
            "pool_pods", help: "The pool's RunPod pods by status",
            split: ("status", ["PROVISIONING", "STARTING", "RUNNING", "EXITED", "ERROR", "OTHER"])),
        PoolGaugeFamily("pool_cost_per_hour_dollars", help: "USD per hour of the pool's pods"),
        PoolGaugeFamily(
            "pool_creates_blocked",
            help: "1 while the pool has fewer pods than desired and creates are held back for this reason",
            split: ("reason", CreateBlock.reasons)),
        PoolGaugeFamily(
            "pool_oldest_pending_pod_age_seconds", help: "Age of the pool's oldest pod not yet RUNNING (0: none)"),
        PoolGaugeFamily(
            "tunnels", help: "SSH tunnels to the pool's RUNNING pods by state (attach)",
            split: ("state", TunnelPhase.allCases.map(\.rawValue))),
    ]
}
