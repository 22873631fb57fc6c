#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// A forward-only reader over the bytes of one JSON document, for decoders that read a few fields of a large
/// document without building it. It accepts only what it is sure Foundation's `JSONDecoder` accepts the same way:
/// anything else (an error, an unusual form) throws ``Unsure``, and the caller decodes the document with
/// `JSONDecoder` instead, which then gives the answer or the error. So it never needs to explain a failure.
///
/// Values it does not decode are still read to the end and checked, so a document it accepts is valid JSON.
struct JSONByteReader {
    /// "Decode this document with `JSONDecoder`": an error, or a form this reader does not vouch for.
    struct Unsure: Error {}

    /// Deeper nesting than any RunPod document has; past it, `JSONDecoder` decides.
    static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next byte after whitespace, not consumed; nil at the end.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    /// Consumes `byte` (after whitespace), or throws.
    @inline(__always)
    mutating func expect(_ byte: UInt8) throws(Unsure) {
        guard peek() == byte else { throw Unsure() }
        index += 1
    }

    /// Consumes `byte` (after whitespace) if it comes next.
    @inline(__always)
    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    /// Throws unless only whitespace is left.
    mutating func expectEnd() throws(Unsure) {
        guard peek() == nil else { throw Unsure() }
    }

    /// Consumes `null` if it comes next.
    @inline(__always)
    mutating func skipNull() -> Bool {
        guard peek() == UInt8(ascii: "n"), index + 4 <= bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
            bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l")
        else { return false }
        index += 4
        return true
    }

    /// Reads the members of an object one by one: `body` gets each key's raw bytes (keys with escapes are left to
    /// `JSONDecoder`) and must consume the value. A caller that reads a key must throw on its second appearance:
    /// which one `JSONDecoder` keeps is its business.
    mutating func readObject(
        _ body: (inout JSONByteReader, UnsafeBufferPointer<UInt8>) throws(Unsure) -> Void
    ) throws(Unsure) {
        try expect(UInt8(ascii: "{"))
        if skip(UInt8(ascii: "}")) { return }
        repeat {
            let key = try readKey()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
        } while skip(UInt8(ascii: ","))
        try expect(UInt8(ascii: "}"))
    }

    /// Reads the elements of an array one by one: `body` must consume each.
    mutating func readArray(_ body: (inout JSONByteReader) throws(Unsure) -> Void) throws(Unsure) {
        try expect(UInt8(ascii: "["))
        if skip(UInt8(ascii: "]")) { return }
        repeat {
            try body(&self)
        } while skip(UInt8(ascii: ","))
        try expect(UInt8(ascii: "]"))
    }

    /// A string value, unescaped.
    mutating func readString() throws(Unsure) -> String {
        let raw = try readRawString()
        if raw.plain {
            // Validated by readRawString: ASCII needs no second look.
            return raw.ascii
                ? String(decoding: raw.bytes, as: UTF8.self)
                : try validUTF8(raw.bytes)
        }
        return try unescape(raw.bytes)
    }

    /// `body` of a string value's UTF-8 bytes, unescaped: the document's own bytes when it has no escapes, so
    /// a reader of short strings (timestamps) builds no `String`.
    mutating func withStringBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(Unsure) -> Result {
        let raw = try readRawString()
        if !raw.ascii { _ = try validUTF8(raw.bytes) }
        if raw.plain { return body(raw.bytes) }
        var text = try unescape(raw.bytes)
        return text.withUTF8(body)
    }

    /// The bytes of a string value without escapes (nil when it has some), checked like any string.
    private mutating func readPlainStringBytes() throws(Unsure) -> UnsafeBufferPointer<UInt8>? {
        let raw = try readRawString()
        if !raw.ascii { _ = try validUTF8(raw.bytes) }
        return raw.plain ? raw.bytes : nil
    }

    /// A number value. Only finite numbers: `JSONDecoder` decides about the rest.
    mutating func readNumber() throws(Unsure) -> Double {
        guard peek() != nil else { throw Unsure() }
        let start = index
        let simple = try scanNumber()
        if let simple { return simple }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw Unsure() }
        return value
    }

    /// Whether a string comes next.
    @inline(__always)
    mutating func atString() -> Bool { peek() == UInt8(ascii: "\"") }

    /// Whether a number comes next.
    @inline(__always)
    mutating func atNumber() -> Bool {
        guard let byte = peek() else { return false }
        return byte == UInt8(ascii: "-") || Self.isDigit(byte)
    }

    /// Whether an object comes next.
    @inline(__always)
    mutating func atObject() -> Bool { peek() == UInt8(ascii: "{") }

    /// Reads any value to its end, checking it; `depth`: the containers around it. Without recursion or a
    /// closure per container: which open containers are objects is one bit each of a word.
    mutating func skipValue(depth: Int = 0) throws(Unsure) {
        var objects: UInt64 = 0
        var open = 0
        while true {
            // A value starts here.
            guard depth + open < Self.maximumDepth, let byte = peek() else { throw Unsure() }
            var opened = false
            switch byte {
            case UInt8(ascii: "{"):
                index += 1
                if !skip(UInt8(ascii: "}")) {
                    open += 1
                    objects |= 1 << UInt64(open)
                    _ = try readKey()
                    try expect(UInt8(ascii: ":"))
                    opened = true
                }
            case UInt8(ascii: "["):
                index += 1
                if !skip(UInt8(ascii: "]")) {
                    open += 1
                    objects &= ~(1 << UInt64(open))
                    opened = true
                }
            case UInt8(ascii: "\""): _ = try readPlainStringBytes()
            case UInt8(ascii: "t"): try skipWord("true")
            case UInt8(ascii: "f"): try skipWord("false")
            case UInt8(ascii: "n"): try skipWord("null")
            default: _ = try readNumber()
            }
            if opened { continue }
            // A value ended: close what ends with it, up to the next member or element.
            while true {
                if open == 0 { return }
                let inObject = objects & (1 << UInt64(open)) != 0
                if skip(UInt8(ascii: ",")) {
                    if inObject {
                        _ = try readKey()
                        try expect(UInt8(ascii: ":"))
                    }
                    break
                }
                try expect(inObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                open -= 1
            }
        }
    }

    // MARK: - Lexing

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func skipWord(_ word: StaticString) throws(Unsure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Unsure() }
        let spelled = UnsafeBufferPointer(start: word.utf8Start, count: count)
        guard UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(spelled) else {
            throw Unsure()
        }
        index += count
    }

    /// A key: a string without escapes.
    private mutating func readKey() throws(Unsure) -> UnsafeBufferPointer<UInt8> {
        guard let key = try readPlainStringBytes() else { throw Unsure() }
        return key
    }

    /// JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Returns the value when
    /// it is simple: no exponent and at most 15 digits, so digits / 10^fractionDigits is two exact doubles and
    /// one correctly rounded division (what `strtod` does for such numbers too); else nil: parse the text.
    private mutating func scanNumber() throws(Unsure) -> Double? {
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw Unsure() }
        var digits = (count: 0, value: 0)
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            digits = (1, 0)
        } else {
            skipDigits(into: &digits)
        }
        var fractionDigits = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw Unsure() }
            let before = digits.count
            skipDigits(into: &digits)
            fractionDigits = digits.count - before
        }
        var simple = digits.count <= 15
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            simple = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw Unsure() }
            var exponent = (count: 0, value: 0)
            skipDigits(into: &exponent)
        }
        guard simple else { return nil }
        // 10^fractionDigits, exact in a `Double` up to 10^15 (multiplied out: a static table costs a
        // lazy-initialisation check per number).
        var power = 1.0
        for _ in 0..<fractionDigits { power *= 10 }
        let magnitude = Double(digits.value) / power
        return negative ? -magnitude : magnitude
    }

    /// Skips digits, counting them and accumulating the value of the first 15 (enough for a simple number).
    private mutating func skipDigits(into digits: inout (count: Int, value: Int)) {
        while index < bytes.count, Self.isDigit(bytes[index]) {
            if digits.count < 15 { digits.value = digits.value * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
            digits.count += 1
            index += 1
        }
    }

    /// The bytes between the quotes of the next string, whether it has escapes (`plain` when not) and whether
    /// it is all ASCII. Control characters and malformed escapes throw.
    private mutating func readRawString() throws(Unsure) -> (
        bytes: UnsafeBufferPointer<UInt8>, plain: Bool, ascii: Bool
    ) {
        try expect(UInt8(ascii: "\""))
        let start = index
        // Most strings are plain ASCII: one pass to the closing quote, eight bytes at a time while none of them
        // needs a look, leaving anything else (an escape, a control character, a byte past ASCII) to the
        // careful loop below.
        var position = start
        if let base = bytes.baseAddress {
            while position + 8 <= bytes.count {
                let word = UInt64(
                    littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: position, as: UInt64.self))
                let look = Self.needsLook(word)
                // The lowest flagged byte is exact (the tests' borrows only run upward): jump to it, so a
                // short string's closing quote is found without a byte-by-byte walk.
                guard look == 0 else {
                    position += look.trailingZeroBitCount / 8
                    break
                }
                position += 8
            }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                index = position + 1
                return (UnsafeBufferPointer(rebasing: bytes[start..<position]), true, true)
            }
            if byte < 0x20 || byte >= 0x80 || byte == UInt8(ascii: "\\") { break }
            position += 1
        }
        var plain = true
        var ascii = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return (raw, plain, ascii)
            }
            if byte < 0x20 { throw Unsure() }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") {
                plain = false
                index += 1
                guard index < bytes.count else { throw Unsure() }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    // Surrogates (halves of a pair, lone or not) are left to JSONDecoder.
                    guard let unit = hexQuad(at: index + 1), !(0xD800...0xDFFF).contains(unit) else { throw Unsure() }
                    index += 4
                default: throw Unsure()
                }
            }
            index += 1
        }
        throw Unsure()
    }

    /// The high bit of each of the eight bytes of `word` (first byte lowest) that may be a quote, a backslash, a
    /// control character or past ASCII; zero when none is (the classic word-at-a-time tests:
    /// `(x - 0x01…) & ~x & 0x80…` is non-zero exactly when a byte of x is 0, and with 0x20… in place of 0x01…
    /// when a byte is below 0x20; a byte above a flagged one may be flagged wrongly, the lowest never is).
    @inline(__always)
    private static func needsLook(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let quote = (quotes &- ones) & ~quotes
        let backslash = (backslashes &- ones) & ~backslashes
        let control = (word &- ones &* 0x20) & ~word
        return (quote | backslash | control | word) & highs
    }

    /// The four hex digits at `position` as a UTF-16 unit.
    private func hexQuad(at position: Int) -> UInt16? {
        guard position + 4 <= bytes.count else { return nil }
        var unit: UInt16 = 0
        for byte in bytes[position..<position + 4] {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    private func validUTF8(_ raw: UnsafeBufferPointer<UInt8>) throws(Unsure) -> String {
        guard let text = String(validating: raw, as: UTF8.self) else { throw Unsure() }
        return text
    }

    /// A string's raw bytes (already checked by readRawString) with the escapes replaced.
    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws(Unsure) -> String {
        var scalars = String.UnicodeScalarView()
        var position = 0
        var pending: [UInt8] = []
        func flush() throws(Unsure) {
            guard !pending.isEmpty else { return }
            guard let text = String(validating: pending, as: UTF8.self) else { throw Unsure() }
            scalars.append(contentsOf: text.unicodeScalars)
            pending.removeAll(keepingCapacity: true)
        }
        while position < raw.count {
            let byte = raw[position]
            guard byte == UInt8(ascii: "\\") else {
                pending.append(byte)
                position += 1
                continue
            }
            let escaped = raw[position + 1]
            position += 2
            switch escaped {
            case UInt8(ascii: "b"): pending.append(0x08)
            case UInt8(ascii: "f"): pending.append(0x0C)
            case UInt8(ascii: "n"): pending.append(0x0A)
            case UInt8(ascii: "r"): pending.append(0x0D)
            case UInt8(ascii: "t"): pending.append(0x09)
            case UInt8(ascii: "u"):
                var unit: UInt32 = 0
                for digit in raw[position..<position + 4] {
                    let value: UInt8 =
                        digit <= UInt8(ascii: "9")
                        ? digit - UInt8(ascii: "0") : (digit | 0x20) - UInt8(ascii: "a") + 10
                    unit = unit << 4 | UInt32(value)
                }
                position += 4
                // readRawString refused surrogates, so every unit is a scalar.
                guard let scalar = Unicode.Scalar(unit) else { throw Unsure() }
                try flush()
                scalars.append(scalar)
            default: pending.append(escaped)  // \" \\ \/
            }
        }
        try flush()
        return String(scalars)
    }
}
