extension SimulationReport {
    /// Hours in an average month (365 × 24 / 12).
    static let hoursPerMonth = 730.0

    /// The cost table, the break-even sentence under it.
    static func costSection(_ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        var html = "<section id=\"costs\">\n<h2>Cost table and break-even</h2>\n"
        html += "<div class=\"table-wrap\"><table class=\"costs\">\n<thead><tr><th scope=\"col\">Fleet</th>"
        html +=
            "<th scope=\"col\">$ / hour</th><th scope=\"col\">$ / month</th><th scope=\"col\" class=\"text\">Note</th></tr></thead>\n"
        html += "<tbody>\n"
        for row in result.costTable {
            html += "<tr><th scope=\"row\">\(e(row.label))</th><td>\(FixedFormat.dollars(row.dollarsPerHour))</td>"
            html += "<td>\(FixedFormat.dollars(row.dollarsPerMonth, decimals: 0))</td>"
            html += "<td class=\"text\">\(e(row.note))</td></tr>\n"
        }
        html += "</tbody>\n</table></div>\n"
        return html
            + "<p class=\"break-even\"><strong>Break-even:</strong> \(breakEvenSentence(result))</p>\n</section>\n"
    }

    /// "At $0.60/h a $500/month GPU pays only above 833 hours a month — more than a month has (730 h)."
    static func breakEvenSentence(_ result: SimulationResult) -> String {
        let hours = result.breakEvenHoursPerMonth
        let hoursText = FixedFormat.string(hours, decimals: 0, grouped: true)
        guard let price = result.burstDollarsPerHour, let monthly = result.localDollarsPerMonth else {
            return "A local GPU pays for itself above \(hoursText) hours a month (a month has 730 h)."
        }
        let opening =
            "At \(FixedFormat.dollars(price))/h a \(FixedFormat.dollars(monthly, decimals: monthly >= 100 ? 0 : 2))"
            + "/month GPU pays"
        if hours > hoursPerMonth {
            return opening + " only above \(hoursText) hours a month — more than a month has (730 h):"
                + " renting beats owning even for a GPU busy around the clock."
        }
        let share = FixedFormat.string(100 * hours / hoursPerMonth, decimals: 0)
        return opening + " above \(hoursText) hours a month (\(share)% of a month's 730 h):"
            + " a GPU busier than that is cheaper owned."
    }

    /// The model's assumptions as a list.
    static func assumptionSection(_ result: SimulationResult) -> String {
        var html = "<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<ul>\n"
        for assumption in result.assumptions {
            html += "<li>\(HTMLEscaping.escape(assumption))</li>\n"
        }
        return html + "</ul>\n</section>\n"
    }
}
