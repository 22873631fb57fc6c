import Primitives

extension JSONValue {
    /// Parses a JSON text (any top-level value); a text that is not JSON is a ``KubeError`` of kind
    /// ``KubeError/Kind/decoding``.
    public init(parsing bytes: some Collection<UInt8>) throws(KubeError) {
        do {
            self = try JSONValue.parse(bytes)
        } catch {
            throw KubeError(kind: .decoding, message: "the document is not valid JSON", cause: error.cause)
        }
    }
}
