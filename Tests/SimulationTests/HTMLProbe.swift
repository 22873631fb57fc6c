/// Small string probes of a rendered report, enough for its tests without an HTML parser.
struct HTMLProbe {
    let html: String

    /// The markup of the `<svg>` with this id, or nil.
    func svg(id: String) -> Substring? {
        guard let start = html.firstRange(of: "<svg class=\"chart\" id=\"\(id)\"") else { return nil }
        guard let end = html[start.upperBound...].firstRange(of: "</svg>") else { return nil }
        return html[start.lowerBound..<end.upperBound]
    }

    /// The point count of each `polyline.series` in `markup`.
    static func seriesPointCounts(_ markup: Substring) -> [Int] {
        var counts: [Int] = []
        var rest = markup[...]
        while let line = rest.firstRange(of: "<polyline class=\"series\"") {
            let tail = rest[line.upperBound...]
            guard let open = tail.firstRange(of: "points=\""), let close = tail[open.upperBound...].firstIndex(of: "\"")
            else { break }
            counts.append(tail[open.upperBound..<close].split(separator: " ").count)
            rest = tail[close...]
        }
        return counts
    }

    /// The table rows (`<tr>…</tr>`) of the table with this class.
    func rows(ofTable tableClass: String) -> [Substring] {
        guard let start = html.firstRange(of: "<table class=\"\(tableClass)\">"),
            let body = html[start.upperBound...].firstRange(of: "<tbody>"),
            let end = html[body.upperBound...].firstRange(of: "</tbody>")
        else { return [] }
        return html[body.upperBound..<end.lowerBound].split(separator: "\n").filter { $0.hasPrefix("<tr") }
    }

    /// How many times `needle` occurs.
    func count(_ needle: String) -> Int {
        var total = 0
        var rest = html[...]
        while let found = rest.firstRange(of: needle) {
            total += 1
            rest = rest[found.upperBound...]
        }
        return total
    }
}
