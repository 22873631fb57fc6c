import Foundation
import Testing

@testable import Simulation

@Suite struct SimulationReportTests {
    let result = SyntheticResult.make()
    var html: String { SimulationReport.render(result) }

    @Test func theFourChartsExistWithDownsampledSeries() throws {
        let probe = HTMLProbe(html: html)
        for id in ["queue-chart", "workers-chart", "cost-chart", "churn-chart"] {
            let svg = try #require(probe.svg(id: id), "no <svg> \(id)")
            #expect(svg.contains("role=\"img\""))
            #expect(svg.contains("<title id=\"\(id)-title\">"))
            let counts = HTMLProbe.seriesPointCounts(svg)
            #expect(!counts.isEmpty, "\(id) has no series")
            for count in counts {
                #expect(count > 10 && count <= SimulationReport.maxPointsPerSeries, "\(id): \(count) points")
            }
        }
        // Two days are 2,880 minutes: buckets of two minutes; 48 hourly steps of two points.
        #expect(HTMLProbe.seriesPointCounts(probe.svg(id: "queue-chart")!) == [1440, 1440])
        #expect(HTMLProbe.seriesPointCounts(probe.svg(id: "cost-chart")!) == [1440, 1440, 1440, 1440])
        #expect(HTMLProbe.seriesPointCounts(probe.svg(id: "churn-chart")!) == [96, 96])
    }

    @Test func aMonthStaysWithinTheCapAndSmall() {
        let month = SyntheticResult.make(days: 30)
        let page = SimulationReport.render(month)
        let probe = HTMLProbe(html: page)
        for id in ["queue-chart", "workers-chart", "cost-chart", "churn-chart"] {
            let counts = HTMLProbe.seriesPointCounts(probe.svg(id: id) ?? "")
            #expect(!counts.isEmpty && counts.allSatisfy { $0 > 10 && $0 <= SimulationReport.maxPointsPerSeries })
        }
        #expect(page.utf8.count < 600_000, "\(page.utf8.count) bytes")
    }

    @Test func theStrategyTableHasOneFormattedRowPerStrategy() {
        let rows = HTMLProbe(html: html).rows(ofTable: "strategies")
        #expect(rows.count == 4)
        let policy = String(rows[0])
        for cell in [
            "<td>$72.00</td>", "<td>$1,000.00</td>", "<td>$1,072.00</td>", "<td>12 (0.4%)</td>", "<td>4.5</td>",
            "<td>120.0</td>", "<td>9,876 / 10,000</td>", "<td>95 s</td>", "<td>1.44×</td>", "<td>—</td>",
        ] {
            #expect(policy.contains(cell), "policy row lacks \(cell)")
        }
        #expect(rows[0].contains("class=\"policy\""))
        #expect(rows[1].contains("<td>$216.50</td>") && rows[1].contains("<td>4.33×</td>"))
        #expect(rows[1].contains("Every job on RunPod &lt;no local&gt;."))
        #expect(rows[2].contains("<td>400 (13.9%)</td>") && rows[2].contains("<td>5.5 h</td>"))
        #expect(rows[3].contains("<td>150 s</td>") && rows[3].contains("<td>2.30×</td>"))
    }

    @Test func theBoundsCostTableAndBreakEvenAreStated() {
        let page = html
        #expect(HTMLProbe(html: page).rows(ofTable: "bounds").count == 2)
        #expect(page.contains("Work above local capacity at the burst price."))
        #expect(HTMLProbe(html: page).rows(ofTable: "costs").count == 2)
        #expect(
            page.contains(
                "At $0.60/h a $500/month GPU pays only above 833 hours a month — more than a month has (730 h)"))
    }

    @Test func aBreakEvenWithinAMonthIsStatedAsAShare() {
        var cheaper = result
        cheaper.breakEvenHoursPerMonth = 365
        #expect(
            SimulationReport.breakEvenSentence(cheaper)
                == "At $0.60/h a $219/month GPU pays above 365 hours a month (50% of a month's 730 h):"
                + " a GPU busier than that is cheaper owned.")
    }

    @Test func theHeaderStatesTraceDurationSeedAndSLO() {
        let page = html
        #expect(page.contains("<dd>2 days (48 h)</dd>"))
        #expect(page.contains("<dd>7</dd>"))
        #expect(page.contains("<dd>p95 latency ≤ 120 s</dd>"))
        #expect(SimulationReport.durationText(seconds: 54 * 3600) == "2 days 6 h (54 h)")
        #expect(SimulationReport.durationText(seconds: 5 * 3600) == "5 h")
        #expect(FixedFormat.duration(seconds: 450) == "7.5 min" && FixedFormat.duration(seconds: 240) == "4 min")
    }

    @Test func textFromTheResultIsEscaped() {
        let page = html
        #expect(!page.contains(SyntheticResult.traceName))
        #expect(page.contains("flash &lt;crowd&gt; &amp; &quot;friends&quot;"))
        #expect(page.contains("Service time is 45 s &lt;median&gt;."))
        #expect(HTMLEscaping.escape("a<b>&'\"") == "a&lt;b&gt;&amp;&#39;&quot;")
    }

    @Test func renderingIsDeterministicAndSelfContained() {
        let page = html
        #expect(page == SimulationReport.render(SyntheticResult.make()))
        #expect(!page.contains("http://") && !page.contains("https://"))
        #expect(!page.contains("<script") && !page.contains("<link") && !page.contains("url("))
        #expect(page.hasPrefix("<!DOCTYPE html>"))
    }

    @Test func numbersFormatWithoutALocale() {
        #expect(FixedFormat.string(1234567.125, decimals: 2, grouped: true) == "1,234,567.13")
        #expect(FixedFormat.string(-0.004, decimals: 2) == "0.00")
        #expect(FixedFormat.dollars(-3) == "-$3.00")
        #expect(FixedFormat.string(.nan, decimals: 1) == "—")
        let axis = ValueAxis(label: "jobs", maximum: 67)
        #expect(axis.top == 80 && axis.ticks == [0, 20, 40, 60, 80])
        let workers = ValueAxis(label: "workers", maximum: 12)
        #expect(workers.ticks == [0, 5, 10, 15] && workers.label(for: 5) == "5")
        let latency = ValueAxis(label: "p95", maximum: 0.9)
        #expect(latency.step == 0.2 && latency.label(for: 0.4) == "0.4")
    }

    /// Writes the synthetic page where `RPA_REPORT_OUT` says, else to a temporary file, for a look in a browser.
    @Test func writesAReport() throws {
        let path =
            ProcessInfo.processInfo.environment["RPA_REPORT_OUT"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("simulation-report-test.html").path
        try html.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == html)
    }
}
