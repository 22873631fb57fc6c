import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3): delay seconds or an HTTP-date.
enum RetryAfter {
    /// Seconds to wait from `now`: the number given, or the time until the date given (0 if it has passed).
    static func seconds(from value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return seconds
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        guard let date = formatter.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }
}
