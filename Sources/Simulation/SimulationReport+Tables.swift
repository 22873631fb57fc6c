extension SimulationReport {
    /// One row a strategy: cost, SLO, churn, service, and its burst dollars over each lower bound.
    static func strategySection(_ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        var html = "<section id=\"strategies\">\n<h2>Strategies</h2>\n"
        html += "<p class=\"lede\">The configured policy (first row) and the comparators on the same trace and seed."
        html += " “÷ bound” is the strategy's burst spend over that lower bound.</p>\n"
        html += "<div class=\"table-wrap\"><table class=\"strategies\">\n<thead><tr><th scope=\"col\">Strategy</th>"
        html += "<th scope=\"col\">Burst $</th><th scope=\"col\">Local $</th><th scope=\"col\">Total $</th>"
        html += "<th scope=\"col\">SLO minutes</th><th scope=\"col\">Creates/day</th><th scope=\"col\">Pod-hours</th>"
        html += "<th scope=\"col\">Jobs served / arrived</th><th scope=\"col\">Worst wait</th>"
        for bound in result.bounds {
            html += "<th scope=\"col\">÷ \(e(bound.name))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for (index, strategy) in result.strategies.enumerated() {
            html += strategyRow(strategy, index: index, result)
        }
        return html + "</tbody>\n</table></div>\n</section>\n"
    }

    private static func strategyRow(_ strategy: StrategyResult, index: Int, _ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        let totals = strategy.totals
        let swatch = "<span class=\"swatch\" style=\"background:\(ReportPalette.strategy(index))\"></span>"
        var html = "<tr class=\"\(index == 0 ? "policy" : "comparator")\">"
        html += "<th scope=\"row\">\(swatch)<span class=\"name\">\(e(strategy.name))</span>"
        html += "<span class=\"summary\">\(e(strategy.summary))</span></th>"
        let cells = [
            FixedFormat.dollars(totals.burstDollars),
            FixedFormat.dollars(totals.localDollars),
            FixedFormat.dollars(totals.totalDollars),
            FixedFormat.count(totals.sloMinutes) + " (" + sloShare(totals.sloMinutes, result) + ")",
            FixedFormat.string(Double(totals.creates) / result.durationDays, decimals: 1),
            FixedFormat.string(totals.podHours, decimals: 1, grouped: true),
            FixedFormat.count(totals.jobsServed) + " / " + FixedFormat.count(totals.jobsArrived),
            FixedFormat.duration(seconds: totals.worstWaitSeconds),
        ]
        html += cells.map { "<td>\($0)</td>" }.joined()
        for bound in result.bounds {
            html += "<td>\(ratioText(totals.burstDollars, bound.burstDollars))</td>"
        }
        return html + "</tr>\n"
    }

    /// The lower bounds, what the configured policy pays over each, and how each is computed.
    static func boundSection(_ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        var html = "<section id=\"bounds\">\n<h2>Lower bounds</h2>\n"
        html += "<p class=\"lede\">No strategy can pay less than these for burst capacity on this trace.</p>\n"
        html += "<div class=\"table-wrap\"><table class=\"bounds\">\n<thead><tr><th scope=\"col\">Bound</th>"
        html += "<th scope=\"col\">Burst $</th><th scope=\"col\">Policy ÷ bound</th>"
        html += "<th scope=\"col\" class=\"text\">How it is computed</th></tr></thead>\n<tbody>\n"
        let policyDollars = result.strategies.first?.totals.burstDollars ?? 0
        for bound in result.bounds {
            html += "<tr><th scope=\"row\">\(e(bound.name))</th><td>\(FixedFormat.dollars(bound.burstDollars))</td>"
            html += "<td>\(ratioText(policyDollars, bound.burstDollars))</td>"
            html += "<td class=\"text\">\(e(bound.explanation))</td></tr>\n"
        }
        html += "</tbody>\n</table></div>\n"
        if let reference = result.strategies.first(where: { $0.name == StrategyKind.clairvoyant.name }) {
            html += "<p id=\"clairvoyant\">The <strong>clairvoyant</strong> row of the strategy table is a reference, "
            html +=
                "not a bound: \(e(reference.summary)). It costs \(FixedFormat.dollars(reference.totals.burstDollars))"
            html +=
                "; the configured policy pays \(ratioText(policyDollars, reference.totals.burstDollars)) as much.</p>\n"
        }
        return html + "</section>\n"
    }
}
