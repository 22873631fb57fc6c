extension SimulationReport {
    /// The trace, its length, the seed and the SLO, then the configured policy's headline numbers as cards.
    static func header(_ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        var html = "<header>\n<p class=\"eyebrow\">runpod-autoscaler · closed-loop burst simulation</p>\n"
        html += "<h1>\(e(result.traceName))</h1>\n<dl class=\"meta\">\n"
        html += metaItem("Trace", e(result.traceName))
        html += metaItem("Duration", durationText(seconds: result.durationSeconds))
        html += metaItem("Seed", String(result.seed))
        html += metaItem("SLO", "p95 latency ≤ " + FixedFormat.duration(seconds: result.sloSeconds))
        html += metaItem("Strategies", FixedFormat.count(result.strategies.count))
        html += "</dl>\n"
        if let policy = result.strategies.first {
            html += cards(policy, result)
        }
        return html + "</header>\n"
    }

    private static func metaItem(_ term: String, _ value: String) -> String {
        "<div><dt>\(term)</dt><dd>\(value)</dd></div>\n"
    }

    private static func cards(_ policy: StrategyResult, _ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        let totals = policy.totals
        var html = "<div class=\"cards\">\n"
        html += card(
            "Burst spend (\(e(policy.name)))", FixedFormat.dollars(totals.burstDollars),
            "of " + FixedFormat.dollars(totals.totalDollars) + " in all")
        html += card(
            "Minutes over the SLO", FixedFormat.count(totals.sloMinutes),
            sloShare(totals.sloMinutes, result) + " of all minutes")
        if let tightest = result.bounds.filter({ $0.burstDollars > 0 }).max(by: { $0.burstDollars < $1.burstDollars }) {
            html += card(
                "Against the tightest lower bound", ratioText(totals.burstDollars, tightest.burstDollars),
                e(tightest.name) + ": " + FixedFormat.dollars(tightest.burstDollars))
        }
        html += card(
            "Pod creates a day", FixedFormat.string(Double(totals.creates) / result.durationDays, decimals: 1),
            FixedFormat.string(totals.podHours, decimals: 1, grouped: true) + " pod-hours")
        return html + "</div>\n"
    }

    private static func card(_ title: String, _ value: String, _ note: String) -> String {
        "<div class=\"card\"><div class=\"card-title\">\(title)</div><div class=\"card-value\">\(value)</div>"
            + "<div class=\"card-note\">\(note)</div></div>\n"
    }

    /// `0.4%`: the share of the trace's minutes.
    static func sloShare(_ minutes: Int, _ result: SimulationResult) -> String {
        FixedFormat.string(100 * Double(minutes) / result.durationMinutes, decimals: 1) + "%"
    }

    /// `1.42×`, or `—` when the bound is zero.
    static func ratioText(_ dollars: Double, _ bound: Double) -> String {
        bound > 0 ? FixedFormat.string(dollars / bound, decimals: 2, grouped: true) + "×" : "—"
    }
}
