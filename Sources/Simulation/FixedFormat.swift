/// Fixed-decimal number formatting that does not depend on a locale, so a report's bytes depend only on its result.
enum FixedFormat {
    /// `value` rounded half away from zero to `decimals` places, with `,` between thousands when `grouped`.
    static func string(_ value: Double, decimals: Int, grouped: Bool = false) -> String {
        guard value.isFinite else { return "—" }
        var scale: UInt64 = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded()
        guard scaled < 9.0e15 else { return "\(value)" }
        let units = UInt64(scaled)
        let whole = units / scale
        var text = grouped ? group(whole) : String(whole)
        if decimals > 0 {
            let fraction = String(units % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return value < 0 && units != 0 ? "-" + text : text
    }

    /// US dollars: `$1,234.56` (or `-$3.00`).
    static func dollars(_ value: Double, decimals: Int = 2) -> String {
        let text = string(value, decimals: decimals, grouped: true)
        return text.hasPrefix("-") ? "-$" + text.dropFirst() : "$" + text
    }

    /// An integer count with thousands separators.
    static func count(_ value: Int) -> String {
        let text = group(UInt64(value.magnitude))
        return value < 0 ? "-" + text : text
    }

    /// A duration in seconds as `150 s` (under three minutes), `4 min`, `7.5 min` (under three hours) or `5.5 h`.
    static func duration(seconds: Double) -> String {
        if seconds < 180 { return string(seconds, decimals: 0) + " s" }
        let minutes = seconds / 60
        if minutes < 180 { return string(minutes, decimals: minutes.rounded() == minutes ? 0 : 1) + " min" }
        return string(seconds / 3600, decimals: 1, grouped: true) + " h"
    }

    private static func group(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text += "," }
            text.append(digit)
        }
        return text
    }
}
