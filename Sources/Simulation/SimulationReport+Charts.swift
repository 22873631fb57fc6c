extension SimulationReport {
    /// The four charts of the configured policy's timeline; cumulative cost shows every strategy.
    static func chartSection(_ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        guard let policy = result.strategies.first else { return "" }
        var html = "<section id=\"charts\">\n<h2>The configured policy over time: \(e(policy.name))</h2>\n"
        let charts = [
            queueChart(policy, result), workersChart(policy, result), costChart(result), churnChart(policy, result),
        ]
        for chart in charts {
            html += "<figure>\n" + chart.render() + "<figcaption>\(e(chart.summary))</figcaption>\n</figure>\n"
        }
        return html + "</section>\n"
    }

    static func queueChart(_ policy: StrategyResult, _ result: SimulationResult) -> SVGChart {
        let sampler = TimelineDownsampler(policy.timeline, cap: maxPointsPerSeries)
        let queue = sampler.fold(policy.timeline.map { Double($0.queue) }, .maximum)
        let p95 = sampler.fold(policy.timeline.map(\.p95Seconds), .maximum)
        return SVGChart(
            id: "queue-chart", title: "Queue depth and p95 latency",
            summary: "Jobs waiting (left axis) and the p95 latency the policy sees (right axis) against the SLO;"
                + " each point is the largest value of its bucket.",
            time: TimeAxis(durationMinutes: result.durationMinutes),
            left: ValueAxis(label: "jobs waiting", maximum: queue.max() ?? 0),
            right: ValueAxis(label: "p95 latency (s)", maximum: max(p95.max() ?? 0, result.sloSeconds)),
            series: [
                ChartSeries(
                    label: "queue depth", color: ReportPalette.blue, style: .band(opacity: 0.25),
                    points: sampler.points(queue)),
                ChartSeries(
                    label: "p95 latency", color: ReportPalette.orange, style: .line(width: 2), side: .right,
                    points: sampler.points(p95)),
            ],
            references: [
                ChartReferenceLine(
                    label: "SLO " + FixedFormat.duration(seconds: result.sloSeconds), value: result.sloSeconds,
                    color: ReportPalette.vermillion, side: .right)
            ])
    }

    static func workersChart(_ policy: StrategyResult, _ result: SimulationResult) -> SVGChart {
        let sampler = TimelineDownsampler(policy.timeline, cap: maxPointsPerSeries)
        let local = sampler.fold(policy.timeline.map { Double($0.localBusy) }, .mean)
        let running = sampler.fold(policy.timeline.map { Double($0.podsRunning) }, .mean)
        let pending = sampler.fold(policy.timeline.map { Double($0.podsPending) }, .mean)
        let withRunning = zip(local, running).map(+)
        let withPending = zip(withRunning, pending).map(+)
        return SVGChart(
            id: "workers-chart", title: "Workers: local busy, RunPod running and pending (stacked)",
            summary: "Local workers busy, RunPod pods running on top, pods still pending as the lighter band;"
                + " each point is its bucket's mean.",
            time: TimeAxis(durationMinutes: result.durationMinutes),
            left: ValueAxis(label: "workers", maximum: withPending.max() ?? 0),
            series: [
                ChartSeries(
                    label: "local busy", color: ReportPalette.green, style: .band(opacity: 0.55),
                    points: sampler.points(local)),
                ChartSeries(
                    label: "RunPod running", color: ReportPalette.blue, style: .band(opacity: 0.55),
                    points: sampler.points(withRunning, base: local)),
                ChartSeries(
                    label: "RunPod pending", color: ReportPalette.sky, style: .band(opacity: 0.3),
                    points: sampler.points(withPending, base: withRunning)),
            ])
    }
}
