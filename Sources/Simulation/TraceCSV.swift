/// The trace CSV format: `#` comment lines, the header `seconds,arrivals`, then one row per step.
///
/// ```
/// # anything after a # is a comment
/// seconds,arrivals
/// 0,3
/// 60,5
/// 120,4
/// ```
///
/// `seconds` is the time the step starts, from the trace's start or as Unix seconds: the first row's value is
/// subtracted, so only differences matter. The rows must be evenly spaced; that spacing is the trace's step.
/// `arrivals` is the number of jobs that arrived during the step; it may be fractional (Prometheus'
/// `increase()` extrapolates) but not negative. Blank lines are skipped; `\n`, `\r\n` and `\r` line ends and a
/// leading UTF-8 byte-order mark are accepted.
public enum TraceCSV {
    /// The header line, as written (read case-insensitively, spaces around the comma allowed).
    public static let header = "seconds,arrivals"

    /// Reads a trace CSV. Throws on the first problem, naming its line.
    public static func parse(_ text: String, name: String) throws(TraceError) -> Trace {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var sawHeader = false
        var times: [Double] = []
        var arrivals: [Double] = []
        var step = 0.0
        var lastLine = 0
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            let line = trimmed(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            lastLine = number
            guard sawHeader else {
                let names = line.split(separator: ",", omittingEmptySubsequences: false).map {
                    trimmed($0).lowercased()
                }
                guard names == ["seconds", "arrivals"] else { throw .missingHeader(line: number, found: line) }
                sawHeader = true
                continue
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
            guard fields.count == 2 else { throw .wrongColumnCount(line: number, count: fields.count) }
            guard let time = Double(fields[0]), time.isFinite else { throw .badTime(line: number, found: fields[0]) }
            guard let count = Double(fields[1]), count.isFinite else { throw .badCount(line: number, found: fields[1]) }
            guard count >= 0 else { throw .negativeCount(line: number, count: count) }
            if let previous = times.last {
                guard time > previous else { throw .nonIncreasingTime(line: number, time: time, previous: previous) }
                let interval = time - previous
                if times.count == 1 {
                    step = interval
                } else if abs(interval - step) > tolerance(step: step, time: time) {
                    throw .gap(line: number, interval: interval, step: step)
                }
            }
            times.append(time)
            arrivals.append(count)
        }
        guard sawHeader else { throw .emptyFile(line: max(lines.count, 1)) }
        guard !arrivals.isEmpty else { throw .emptyFile(line: lastLine) }
        guard arrivals.count >= 2 else { throw .tooFewRows(line: lastLine) }
        return Trace(name: name, stepSeconds: step, arrivals: arrivals)
    }

    /// Writes `trace` as CSV: each of `comments` as a `# ` line, the header, then a row per step with the
    /// seconds from the trace's start. Whole numbers are written without a decimal point; others in Swift's
    /// shortest round-tripping form, so `parse(render(t))` gives back `t` (for a trace of two or more steps).
    public static func render(_ trace: Trace, comments: [String] = []) -> String {
        var out = ""
        out.reserveCapacity(trace.arrivals.count * 12 + 64)
        for comment in comments {
            out += comment.isEmpty ? "#\n" : "# \(comment)\n"
        }
        out += header + "\n"
        for (index, count) in trace.arrivals.enumerated() {
            out += format(Double(index) * trace.stepSeconds)
            out += ","
            out += format(count)
            out += "\n"
        }
        return out
    }

    /// A whole number as an integer, anything else in its shortest round-tripping form.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// How far a row may sit from the expected spacing: rounding in the times, relative to their size.
    private static func tolerance(step: Double, time: Double) -> Double {
        max(step * 1e-6, abs(time) * 1e-12)
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
