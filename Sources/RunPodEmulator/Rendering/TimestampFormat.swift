import Foundation

/// How timestamps are written: ISO-8601 (`2026-06-01T12:00:00Z`), or as Go prints them when the
/// `goTimestamps` quirk is on (`2026-06-01 12:00:00.000 +0000 UTC`).
enum TimestampFormat {
    static func text(_ date: Date, go: Bool) -> String {
        // Whole seconds, truncated: a pod must never look created after "now".
        let seconds = Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
        guard go else { return seconds.formatted(Date.ISO8601FormatStyle()) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down)) % 1000
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d +0000 UTC", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, (millis + 1000) % 1000)
    }
}
