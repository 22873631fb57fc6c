import Foundation

/// Kubernetes' MicroTime and Time: RFC 3339 in UTC, with microseconds for
/// MicroTime (`2026-11-30T07:40:01.123456Z`).
enum MicroTime {
    static func format(_ date: Date, fractional: Bool = true) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let micros = Int(((seconds - whole) * 1_000_000).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: whole))
        let base = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0,
            c.minute ?? 0,
            c.second ?? 0)
        return fractional ? base + String(format: ".%06dZ", micros) : base + "Z"
    }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        // More than millisecond precision: drop the extra digits.
        if let dot = text.firstIndex(of: "."), let end = text.lastIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }),
            end > dot
        {
            let fraction = text[text.index(after: dot)..<end].prefix(3)
            return parse(String(text[..<dot]) + "." + fraction + String(text[end...]))
        }
        return nil
    }
}
