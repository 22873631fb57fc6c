/// Pods read straight from the bytes of a v2 answer, for the reconciler's list of every pod of the account:
/// Foundation's `JSONDecoder` spent most of a pass over 1,000 pods building values nobody reads.
///
/// It gives exactly what ``PodDocument`` and ``PodListDocument`` decode, or nil when it is not sure it would
/// (a decoding error, escaped keys, duplicate fields, surrogate escapes, deep nesting, …): the caller then decodes
/// with `JSONDecoder`, which gives the answer or the error. Tests and the RunPod JSON fuzz target compare both.
enum PodJSONFastPath {
    /// The pods of a `GET /v2/pods` answer (`{"pods": [Pod...]}`), or nil: decode it with `JSONDecoder`.
    static func pods(inList body: [UInt8]) -> [RunPodPod]? {
        body.withUnsafeBufferPointer { bytes in
            var reader = JSONByteReader(bytes)
            var pods: [RunPodPod]?
            do throws(JSONByteReader.Unsure) {
                try reader.readObject { (reader, key) throws(JSONByteReader.Unsure) in
                    guard Self.key(key, is: "pods") else { return try reader.skipValue(depth: 1) }
                    guard pods == nil else { throw JSONByteReader.Unsure() }
                    var list: [RunPodPod] = []
                    try reader.readArray { (reader) throws(JSONByteReader.Unsure) in
                        list.append(try readPod(&reader))
                    }
                    pods = list
                }
                try reader.expectEnd()
            } catch {
                return nil
            }
            return pods
        }
    }

    /// The pod of a single-pod answer (`GET /v2/pods/{id}`, a create, an action), or nil: decode it with
    /// `JSONDecoder`.
    static func pod(in body: [UInt8]) -> RunPodPod? {
        body.withUnsafeBufferPointer { bytes in
            var reader = JSONByteReader(bytes)
            do throws(JSONByteReader.Unsure) {
                let pod = try readPod(&reader)
                try reader.expectEnd()
                return pod
            } catch {
                return nil
            }
        }
    }

    /// Whether a raw key is `name`. Compared in place: keys are a few bytes, shorter than a call to `memcmp`.
    @inline(__always)
    static func key(_ key: UnsafeBufferPointer<UInt8>, is name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        let spelled = name.utf8Start
        for offset in 0..<key.count where key[offset] != spelled[offset] { return false }
        return true
    }
}
