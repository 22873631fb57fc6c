import Foundation

extension RFC3339Timestamp {
    /// `2025-12-16 17:44:56.726 +0000 UTC`: how Go's `time.Time` prints a UTC time by default, milliseconds
    /// truncated. RunPod sends this form for some timestamps; ``parse(_:)`` reads it back.
    public static func goDefault(_ date: Date) -> String {
        let (seconds, millis) = split(date, digits: 3)
        return civil(seconds, dateTimeSeparator: " ") + "." + pad(millis, 3) + " +0000 UTC"
    }
}
