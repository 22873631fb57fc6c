/// Why `serve` stopped on its own: a part that could not run.
public struct RuntimeFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
