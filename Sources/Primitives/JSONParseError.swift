/// A text that ``JSONValue/parse(_:)`` could not read as JSON.
public struct JSONParseError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let message: String
    /// The decoder's error, which says where.
    public let cause: (any Error)?

    /// Creates the error for a decoder failure.
    public init(message: String = "the document is not valid JSON", cause: (any Error)? = nil) {
        self.message = message
        self.cause = cause
    }

    /// The message.
    public var description: String {
        message
    }
}
