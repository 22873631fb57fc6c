@testable import RunPodEmulator

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }

    var string: String? { stringValue }
    var int: Int? { intValue }
    var double: Double? { doubleValue }
    var count: Int { arrayValue?.count ?? objectValue?.count ?? 0 }
}
