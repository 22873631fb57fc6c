/// Why a source's reading cannot be used: it never succeeded, or its last
/// good reading is too old. Answered as UNAVAILABLE, never as `false`.
public struct StaleSource: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: SourceStatus
    /// Seconds since the last good reading; nil: there never was one.
    public var age: Double?

    public var description: String {
        var text = "demand source \(source.name) (\(source.location)) "
        if let age {
            text += "has no fresh reading: the last good one is \(Int(age.rounded(.down)))s old"
        } else {
            text += "has no good reading yet"
        }
        if let error = source.lastError { text += "; last error: \(error)" }
        return text
    }
}
