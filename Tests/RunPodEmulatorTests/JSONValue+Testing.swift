import Primitives

/// Optional-chaining reads for the emulator tests (`reply.json?["gpus"]?[0]?["id"]?.string`): `nil`, not
/// `.null`, for a missing member or index, which the public subscripts cannot say.
extension JSONValue {
    subscript(key: String) -> JSONValue? {
        object?[key]
    }

    subscript(index: Int) -> JSONValue? {
        guard let array, array.indices.contains(index) else { return nil }
        return array[index]
    }

    /// The elements of an array value (the public name is ``array``).
    var arrayValue: [JSONValue]? { array }

    /// How many elements or members an array or object has; 0 for other values.
    var count: Int { array?.count ?? object?.count ?? 0 }
}
