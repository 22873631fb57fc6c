/// A number the service sends as a JSON number or, sometimes, as a string ("0.74").
struct LenientNumber: Decodable {
    let value: Double

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        guard let number = Self.number(inText: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a number")
        }
        value = number
    }

    init(value: Double) {
        self.value = value
    }

    /// The finite number a string spells, spaces and tabs around it allowed; nil for anything else.
    static func number(inText text: String) -> Double? {
        guard let number = Double(text.trimmingHTTPSpaces()), number.isFinite else { return nil }
        return number
    }

    /// The number without its fraction, when an `Int` holds it; nil for a count no machine has (`1e300`).
    var integer: Int? {
        Int(exactly: value.rounded(.towardZero))
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate func trimmingHTTPSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[start...end]
    }
}
