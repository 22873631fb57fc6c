/// Why a trace CSV could not be read: the line (1-based, counting comment and blank lines) and the reason.
public struct TraceError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case emptyFile
        case missingHeader
        case wrongColumnCount
        case badTime
        case badCount
        case negativeCount
        case nonIncreasingTime
        case gap
        case tooFewRows
    }

    private let code: Code
    /// The 1-based line of the file the problem is on.
    public let line: Int
    /// What is wrong, in a sentence.
    public let message: String

    private init(_ code: Code, line: Int, _ message: String) {
        self.code = code
        self.line = line
        self.message = message
    }

    /// The code's name, for tests and logs (e.g. `gap`).
    var codeName: String { code.rawValue }

    public var description: String { "line \(line): \(message)" }

    static func emptyFile(line: Int) -> Self {
        Self(.emptyFile, line: line, "the file has no data rows")
    }

    static func missingHeader(line: Int, found: Substring) -> Self {
        Self(.missingHeader, line: line, "expected the header `seconds,arrivals`, found `\(found)`")
    }

    static func wrongColumnCount(line: Int, count: Int) -> Self {
        Self(.wrongColumnCount, line: line, "expected 2 columns (seconds,arrivals), found \(count)")
    }

    static func badTime(line: Int, found: Substring) -> Self {
        Self(.badTime, line: line, "the time `\(found)` is not a finite number of seconds")
    }

    static func badCount(line: Int, found: Substring) -> Self {
        Self(.badCount, line: line, "the arrival count `\(found)` is not a finite number")
    }

    static func negativeCount(line: Int, count: Double) -> Self {
        Self(.negativeCount, line: line, "the arrival count \(count) is negative")
    }

    static func nonIncreasingTime(line: Int, time: Double, previous: Double) -> Self {
        Self(.nonIncreasingTime, line: line, "the time \(time) is not after the previous row's \(previous)")
    }

    static func gap(line: Int, interval: Double, step: Double) -> Self {
        let what = interval > step ? "a gap (missing rows?)" : "uneven spacing"
        return Self(.gap, line: line, "\(what): \(interval) s since the previous row, but the step is \(step) s")
    }

    static func tooFewRows(line: Int) -> Self {
        Self(.tooFewRows, line: line, "only one data row: the step needs at least two")
    }
}
