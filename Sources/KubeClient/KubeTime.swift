import Foundation

/// Kubernetes timestamps: `Time` (RFC 3339, whole seconds, UTC) and `MicroTime` (six fraction digits).
enum KubeTime {
    /// `2026-06-01T12:00:00Z`.
    static func time(_ date: Date) -> String {
        let (seconds, _) = split(date)
        return civil(seconds) + "Z"
    }

    /// `2026-06-01T12:00:00.250000Z`.
    static func microTime(_ date: Date) -> String {
        let (seconds, micros) = split(date)
        let fraction = String(micros)
        return civil(seconds) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// Whole seconds since 1970 and the microseconds past them (floored, so times before 1970 work too).
    private static func split(_ date: Date) -> (seconds: Int64, micros: Int64) {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let seconds = totalMicros >= 0 ? totalMicros / 1_000_000 : (totalMicros - 999_999) / 1_000_000
        return (seconds, totalMicros - seconds * 1_000_000)
    }

    /// `YYYY-MM-DDTHH:MM:SS` for seconds since 1970 (proleptic Gregorian; days-to-civil by H. Hinnant).
    private static func civil(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
