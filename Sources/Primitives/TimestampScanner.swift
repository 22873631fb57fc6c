/// A cursor over the ASCII bytes of a timestamp, for the fixed-format parsers.
struct TimestampScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { index == bytes.count }

    /// The next byte, without consuming it.
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Exactly `count` decimal digits as a number.
    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<index + count] {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        index += count
        return value
    }

    /// One or more digits after a decimal point, as the fraction they spell (".726" → 0.726). Digits past the
    /// ninth (below a nanosecond) are read but ignored.
    mutating func fraction() -> Double? {
        var numerator = 0
        var denominator = 1
        let start = index
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            if index - start < 9 {
                numerator = numerator * 10 + Int(byte - UInt8(ascii: "0"))
                denominator *= 10
            }
            index += 1
        }
        return index > start ? Double(numerator) / Double(denominator) : nil
    }

    /// Consumes `character` (ASCII) if it comes next.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    /// Whether the rest starts with `prefix` (ASCII).
    func hasPrefix(_ prefix: String) -> Bool {
        bytes[index...].starts(with: prefix.utf8)
    }

    /// Consumes one of `choices` (ASCII) if it comes next, and says which.
    mutating func skip(anyOf choices: String) -> Unicode.Scalar? {
        guard let byte = peek, choices.utf8.contains(byte) else { return nil }
        index += 1
        return Unicode.Scalar(byte)
    }

    /// Consumes spaces.
    mutating func skipSpaces() {
        while peek == UInt8(ascii: " ") {
            index += 1
        }
    }

    /// Consumes and returns the letters up to the next non-letter.
    mutating func letters() -> String {
        let start = index
        while let byte = peek,
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        {
            index += 1
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
