/// A bad trigger metadata value: which key and why. Answered as INVALID_ARGUMENT.
public struct MetadataError: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "metadata key \"\(key)\" \(reason)" }
}
