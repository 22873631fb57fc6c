/// Renders a `SimulationResult` as one self-contained HTML5 page: a header, the strategy table, four inline SVG
/// charts of the configured policy, the lower bounds, the cost table with its break-even and the assumptions.
/// No scripts, no network references; the same result gives the same bytes.
public enum SimulationReport {
    /// The most points any chart series has, however long the trace.
    public static let maxPointsPerSeries = 1500

    /// The page.
    public static func render(_ result: SimulationResult) -> String {
        let e = HTMLEscaping.escape
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>Burst simulation: \(e(result.traceName))</title>\n"
        html += "<style>\n\(stylesheet)</style>\n</head>\n<body>\n<main>\n"
        html += header(result)
        html += strategySection(result)
        html += chartSection(result)
        html += boundSection(result)
        html += costSection(result)
        html += assumptionSection(result)
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    /// `2 days 6 h (54 h)`, `5 h`, `45 min`.
    static func durationText(seconds: Double) -> String {
        let hours = seconds / 3600
        if hours < 1 { return FixedFormat.string(seconds / 60, decimals: 0) + " min" }
        let hoursText = FixedFormat.string(hours, decimals: hours.rounded() == hours ? 0 : 1, grouped: true) + " h"
        guard hours >= 24 else { return hoursText }
        let days = (hours / 24).rounded(.down)
        let rest = hours - days * 24
        var text = FixedFormat.string(days, decimals: 0, grouped: true) + (days == 1 ? " day" : " days")
        if rest >= 0.05 { text += " " + FixedFormat.string(rest, decimals: rest.rounded() == rest ? 0 : 1) + " h" }
        return text + " (" + hoursText + ")"
    }
}
