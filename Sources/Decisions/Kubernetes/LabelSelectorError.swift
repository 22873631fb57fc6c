/// A selector string that could not be read.
public struct LabelSelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var selector: String
    public var reason: String

    public var description: String { "label selector \"\(selector)\": \(reason)" }
}
