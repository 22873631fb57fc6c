/// Why a demand reading failed, in words for logs and UNAVAILABLE answers.
public struct DemandSourceError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
