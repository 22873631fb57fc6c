import Decisions

extension AutoscalerMetrics {
    /// A pool's tunnels by state (every state is written, so an alert sees 0 rather than no series).
    public func setTunnels(pool: PoolID, counts: [TunnelPhase: Int]) {
        for phase in TunnelPhase.allCases {
            gauge(
                "tunnels", [("pool", "\(pool)"), ("state", phase.rawValue)],
                help: "SSH tunnels to the pool's RUNNING pods by state (attach)"
            ).set(to: Double(counts[phase] ?? 0))
        }
    }

    /// A tunnel refused a changed host key (`host_key_changed`) or was not up in time (`timeout`).
    public func recordTunnelFailure(pool: PoolID, reason: String) {
        counter(
            "tunnel_failures_total", [("pool", "\(pool)"), ("reason", reason)],
            help: "Tunnel failures by reason (attach): host_key_changed, timeout"
        ).increment()
    }
}
