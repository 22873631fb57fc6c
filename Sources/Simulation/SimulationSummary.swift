import Foundation

/// The totals as a plain table for the terminal.
public enum SimulationSummary {
    public static func text(_ result: SimulationResult, elapsed: Duration? = nil) -> String {
        let days = result.durationSeconds / 86_400
        var out = "trace \(result.traceName): \(String(format: "%.1f", days)) days, seed \(result.seed), "
        out += "SLO p95 ≤ \(Int(result.sloSeconds)) s"
        if let elapsed { out += ", simulated in \(String(format: "%.2f", seconds(elapsed))) s" }
        out += "\n\n"
        let header = [
            "strategy", "burst $", "local $", "total $", "pod-h", "creates", "creates/day", "SLO min",
            "served", "worst wait s",
        ]
        var rows = [header]
        for strategy in result.strategies {
            let t = strategy.totals
            rows.append([
                strategy.name, money(t.burstDollars), money(t.localDollars), money(t.totalDollars),
                String(format: "%.1f", t.podHours), "\(t.creates)",
                String(format: "%.1f", Double(t.creates) / max(days, 1e-9)),
                "\(t.sloMinutes)", "\(t.jobsServed)/\(t.jobsArrived)", String(format: "%.0f", t.worstWaitSeconds),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            out +=
                row.enumerated().map { column, cell in
                    column == 0
                        ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[column] - cell.count) + cell
                }.joined(separator: "  ") + "\n"
        }
        if let policy = result.strategies.first {
            for bound in result.bounds {
                let ratio =
                    bound.burstDollars > 0
                    ? String(format: "%.2f×", policy.totals.burstDollars / bound.burstDollars) : "—"
                out += "\n\(bound.name) lower bound: $\(money(bound.burstDollars)) burst; the policy pays \(ratio)"
            }
        }
        if let reference = result.strategies.first(where: { $0.name == StrategyKind.clairvoyant.name }),
            reference.totals.burstDollars > 0
        {
            let policies = result.strategies.filter { $0.name.hasPrefix("policy") }
            let ratios = policies.map {
                "\($0.name) \(String(format: "%.2f×", $0.totals.burstDollars / reference.totals.burstDollars))"
            }
            out +=
                "\nclairvoyant schedule (knows the future, meets the SLO): $\(money(reference.totals.burstDollars)) burst; "
            out += ratios.joined(separator: ", ")
        }
        out +=
            "\nbreak-even: a local GPU beats renting above \(Int(result.breakEvenHoursPerMonth.rounded())) h a month\n"
        return out
    }

    private static func money(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
