import Foundation

/// The `Retry-After` header (RFC 9110 §10.2.3): delay seconds or an HTTP-date.
public enum RetryAfter {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds to wait from `now`: the number given, or the time until the date given (0 if it has passed).
    /// Accepts the IMF-fixdate form of HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`), the one senders must use.
    public static func seconds(from value: String, now: Date) -> Double? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return seconds
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
    public static func httpDate(_ text: String) -> Date? {
        var scanner = TimestampScanner(text)
        guard scanner.letters().count == 3, scanner.skip(","), scanner.skip(" "), let day = scanner.digits(2),
            scanner.skip(" "), let month = months.firstIndex(of: scanner.letters().lowercased()),
            scanner.skip(" "), let year = scanner.digits(4), scanner.skip(" "),
            let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2), scanner.skip(":"),
            let second = scanner.digits(2), scanner.skip(" "), scanner.letters() == "GMT", scanner.isAtEnd
        else { return nil }
        return CivilTime.date(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
    }
}
