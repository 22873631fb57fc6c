/// A JSON value seen only as far as the demand file needs: numbers are
/// numbers, and anything else (booleans, strings, nesting) is not.
enum JSONScalar: Decodable, Equatable {
    case number(Double)
    case null
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if (try? container.decode(Bool.self)) != nil {
            self = .other
        } else if let value = try? container.decode(Double.self), value.isFinite {
            self = .number(value)
        } else {
            self = .other
        }
    }
}
