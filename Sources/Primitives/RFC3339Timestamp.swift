import Foundation

/// RFC 3339 timestamps in UTC, as Kubernetes and RunPod write them: ``seconds(_:)`` (Kubernetes `Time`,
/// `2026-06-01T12:00:00Z`), ``microseconds(_:)`` (Kubernetes `MicroTime`, `2026-06-01T12:00:00.250000Z`), Go's
/// default ``goDefault(_:)`` form, and a tolerant ``parse(_:)`` for all of them.
///
/// Formatting truncates toward the past (a time written never lies after the instant), also before 1970.
public enum RFC3339Timestamp {
    /// `2026-06-01T12:00:00Z`: whole seconds, truncated.
    public static func seconds(_ date: Date) -> String {
        civil(split(date, digits: 0).seconds, dateTimeSeparator: "T") + "Z"
    }

    /// `2026-06-01T12:00:00.250000Z`: six fraction digits, truncated.
    public static func microseconds(_ date: Date) -> String {
        let (seconds, fraction) = split(date, digits: 6)
        return civil(seconds, dateTimeSeparator: "T") + "." + pad(fraction, 6) + "Z"
    }

    /// Whole seconds since 1970 and the `digits`-digit fraction past them: the instant is counted in units of
    /// 10^-digits s, floored, then split (floored too, so times before 1970 work). Counting first keeps a time
    /// read back from its own text (`.907230`) from printing one unit less.
    static func split(_ date: Date, digits: Int) -> (seconds: Int, fraction: Int) {
        var scale = 1
        for _ in 0..<digits { scale *= 10 }
        let units = Int((date.timeIntervalSince1970 * Double(scale)).rounded(.down))
        let seconds = units >= 0 ? units / scale : (units - (scale - 1)) / scale
        return (seconds, units - seconds * scale)
    }

    /// `YYYY-MM-DD` `separator` `HH:MM:SS` for seconds since 1970.
    static func civil(_ seconds: Int, dateTimeSeparator separator: String) -> String {
        let fields = CivilTime.fields(secondsSinceEpoch: seconds)
        return "\(pad(fields.year, 4))-\(pad(fields.month, 2))-\(pad(fields.day, 2))\(separator)"
            + "\(pad(fields.hour, 2)):\(pad(fields.minute, 2)):\(pad(fields.second, 2))"
    }

    /// `value` with leading zeros to at least `width` digits.
    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
