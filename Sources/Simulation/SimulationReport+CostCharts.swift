extension SimulationReport {
    static func costChart(_ result: SimulationResult) -> SVGChart {
        var series: [ChartSeries] = []
        var top = 0.0
        for (index, strategy) in result.strategies.enumerated() {
            let sampler = TimelineDownsampler(strategy.timeline, cap: maxPointsPerSeries)
            // Cumulative dollars only grow: the bucket's largest value is its last.
            let dollars = sampler.fold(strategy.timeline.map(\.cumulativeDollars), .maximum)
            top = max(top, dollars.max() ?? 0)
            series.append(
                ChartSeries(
                    label: strategy.name + " " + FixedFormat.dollars(strategy.totals.burstDollars),
                    color: ReportPalette.strategy(index), style: .line(width: index == 0 ? 3 : 2),
                    points: sampler.points(dollars)))
        }
        let references = result.bounds.filter { $0.burstDollars > 0 }.map {
            ChartReferenceLine(
                label: "bound: " + $0.name + " " + FixedFormat.dollars($0.burstDollars), value: $0.burstDollars,
                color: ReportPalette.grey)
        }
        top = max(top, result.bounds.map(\.burstDollars).max() ?? 0)
        return SVGChart(
            id: "cost-chart", title: "Cumulative burst cost, every strategy",
            summary: "Burst dollars spent so far by each strategy, with the lower bounds on the whole trace's"
                + " burst cost as dashed lines.",
            time: TimeAxis(durationMinutes: result.durationMinutes),
            left: ValueAxis(label: "burst USD", maximum: top, prefix: "$"),
            series: series, references: references)
    }

    static func churnChart(_ policy: StrategyResult, _ result: SimulationResult) -> SVGChart {
        // Two points a step: at most maxPointsPerSeries / 2 steps of whole hours.
        let hours = Int((result.durationMinutes / 60).rounded(.up))
        let hoursPerStep = max(1, (2 * hours + maxPointsPerSeries - 1) / maxPointsPerSeries)
        let stepMinutes = 60 * hoursPerStep
        let steps = max(1, (hours + hoursPerStep - 1) / hoursPerStep)
        var creates = [Double](repeating: 0, count: steps)
        var terminates = [Double](repeating: 0, count: steps)
        for sample in policy.timeline {
            let step = min(max(sample.minute / stepMinutes, 0), steps - 1)
            creates[step] += Double(sample.creates) / Double(hoursPerStep)
            terminates[step] += Double(sample.terminates) / Double(hoursPerStep)
        }
        func staircase(_ values: [Double]) -> [ChartPoint] {
            values.enumerated().flatMap { step, value in
                let start = Double(step * stepMinutes)
                let end = min(Double((step + 1) * stepMinutes), result.durationMinutes)
                return [ChartPoint(x: start, y: value), ChartPoint(x: end, y: value)]
            }
        }
        let unit = hoursPerStep == 1 ? "hour" : "hour (mean over \(hoursPerStep) h)"
        return SVGChart(
            id: "churn-chart", title: "Churn: pod creates and terminates per hour",
            summary: "Pod creates (filled) and terminates (line) the policy sent, per \(unit).",
            time: TimeAxis(durationMinutes: result.durationMinutes),
            left: ValueAxis(label: "per hour", maximum: max(creates.max() ?? 0, terminates.max() ?? 0)),
            series: [
                ChartSeries(
                    label: "creates", color: ReportPalette.blue, style: .band(opacity: 0.35),
                    points: staircase(creates)),
                ChartSeries(
                    label: "terminates", color: ReportPalette.vermillion, style: .line(width: 2),
                    points: staircase(terminates)),
            ])
    }
}
