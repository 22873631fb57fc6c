import Foundation

extension RFC3339Timestamp {
    /// Parses RFC 3339 / ISO-8601 with or without fractional seconds (`2026-03-13T20:00:00Z`,
    /// `2026-03-13T20:00:00.123456+02:00`, Kubernetes `MicroTime`) and Go's `time.Time` default format
    /// (`2025-12-16 17:44:56.726 +0000 UTC`, optionally followed by a monotonic reading `m=+0.001`), the forms
    /// RunPod and the Kubernetes API server send. Fraction digits past the ninth are ignored.
    /// Returns nil for anything else, including a zone name without a numeric offset other than UTC/GMT.
    public static func parse(_ text: String) -> Date? {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, !mayBeSpace(first), !mayBeSpace(last) else {
            return parse(trimmed: Array(text.trimmingCharacters(in: .whitespaces).utf8))
        }
        return parse(trimmed: Array(utf8))
    }

    /// ``parse(_:)`` for the UTF-8 bytes of a timestamp (as a JSON reader finds them), without building a
    /// `String` first unless there are spaces to trim.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        if let date = parseSecondsUTC(bytes) { return date }
        guard let first = bytes.first, let last = bytes.last, !mayBeSpace(first), !mayBeSpace(last) else {
            return parse(String(decoding: bytes, as: UTF8.self))
        }
        return parse(trimmed: Array(bytes))
    }

    /// The form RunPod sends for every pod, `2026-03-13T20:00:00Z`, read in place: a list of 1,000 pods has
    /// 2,000 of them. Nil for any other shape (the general parse decides), and for fields out of range.
    private static func parseSecondsUTC(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count == 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            bytes[19] == UInt8(ascii: "Z")
        else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for position in start..<start + count {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return nil }
        return CivilTime.date(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    }

    /// Whether a text starting or ending with `byte` may have spaces to trim: `.whitespaces` is a tab or a
    /// Unicode space separator, and every separator but U+0020 is outside ASCII.
    private static func mayBeSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte >= 0x80
    }

    /// The parse of a text with nothing to trim at either end.
    private static func parse(trimmed bytes: [UInt8]) -> Date? {
        var scanner = TimestampScanner(bytes: bytes)
        guard let year = scanner.digits(4), scanner.skip("-"), let month = scanner.digits(2), scanner.skip("-"),
            let day = scanner.digits(2), scanner.skip(anyOf: "Tt ") != nil,
            let hour = scanner.digits(2), scanner.skip(":"), let minute = scanner.digits(2), scanner.skip(":"),
            let second = scanner.digits(2)
        else { return nil }
        var fraction = 0.0
        if scanner.skip(".") || scanner.skip(",") {
            guard let value = scanner.fraction() else { return nil }
            fraction = value
        }
        scanner.skipSpaces()
        var offsetSeconds = 0
        var hasOffset = false
        if scanner.skip(anyOf: "Zz") != nil {
            hasOffset = true
        } else if let sign = scanner.skip(anyOf: "+-") {
            guard let hours = scanner.digits(2) else { return nil }
            _ = scanner.skip(":")
            guard let minutes = scanner.digits(2) else { return nil }
            offsetSeconds = (hours * 3_600 + minutes * 60) * (sign == "-" ? -1 : 1)
            hasOffset = true
        }
        // Go appends the zone's name: an abbreviation ("UTC", "CET") or, for zones without one, the offset again
        // ("+03"). Only the numeric offset is trusted, so a name without one must mean UTC.
        scanner.skipSpaces()
        let zone = scanner.letters()
        if !zone.isEmpty {
            guard zone.count <= 5, zone == zone.uppercased() else { return nil }
            if !hasOffset, zone != "UTC", zone != "GMT" {
                return nil
            }
        } else if hasOffset, scanner.skip(anyOf: "+-") != nil {
            guard scanner.digits(2) != nil else { return nil }
            _ = scanner.digits(2)
        }
        scanner.skipSpaces()
        guard scanner.isAtEnd || scanner.hasPrefix("m=") else { return nil }
        return CivilTime.date(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second,
            fraction: fraction, offsetSeconds: offsetSeconds
        )
    }
}
