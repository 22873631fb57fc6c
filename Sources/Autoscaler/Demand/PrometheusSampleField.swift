/// One element of a `[time, "value"]` pair: a number (the time) or a string
/// holding a float, "NaN", "+Inf" or "-Inf".
enum PrometheusSampleField: Decodable {
    case time(Double)
    case text(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .time(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    /// The sample value; NaN for values Prometheus spells that way.
    var number: Double? {
        switch self {
        case .time(let value): value
        case .text(let text):
            switch text {
            case "NaN": .nan
            case "+Inf", "Inf": .infinity
            case "-Inf": -.infinity
            default: Double(text)
            }
        }
    }
}
