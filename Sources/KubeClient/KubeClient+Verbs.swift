import CurlHTTP
import Primitives

extension KubeClient {
    /// The object (or subresource) at `path`.
    public func get(_ path: ResourcePath) async throws(KubeError) -> JSONValue {
        try await sendForObject("GET", path)
    }

    /// The objects of the collection at `path` (a nil namespace lists across all namespaces), filtered by a label
    /// selector (`app=gpu-worker,tier in (a,b)`) and a field selector (`spec.nodeName=n1`), both sent URL-encoded.
    public func list(
        _ path: ResourcePath,
        labelSelector: String? = nil,
        fieldSelector: String? = nil
    ) async throws(KubeError) -> KubeList {
        guard !path.hasName else {
            throw KubeError(kind: .invalid, message: "LIST \(path.path): the path names an object, not a collection")
        }
        let query = PercentEncoding.query([
            (name: "labelSelector", value: labelSelector), (name: "fieldSelector", value: fieldSelector),
        ])
        let document = try await sendForObject("GET", path, query: query)
        do {
            return try KubeList(document: document)
        } catch {
            throw error.prefixed(with: "GET \(path.path)")
        }
    }

    /// Creates `object` in the collection at `path` (or posts to a named object's subresource, e.g. `eviction`)
    /// and returns the object as stored. An existing name fails with ``KubeError/Kind/alreadyExists``.
    public func create(_ path: ResourcePath, _ object: JSONValue) async throws(KubeError) -> JSONValue {
        guard !path.hasName || !(path.subresource ?? "").isEmpty else {
            throw KubeError(
                kind: .invalid, message: "POST \(path.path): create takes the collection, not a named object")
        }
        return try await sendForObject("POST", path, body: object)
    }

    /// Replaces the object (or subresource, e.g. `status`) at `path` with `object` (PUT). When `object` carries
    /// `metadata.resourceVersion` and the stored object has moved on, fails with ``KubeError/Kind/conflict``.
    public func update(_ path: ResourcePath, _ object: JSONValue) async throws(KubeError) -> JSONValue {
        try requireName(path, for: "PUT")
        return try await sendForObject("PUT", path, body: object)
    }

    /// Applies a JSON merge patch (RFC 7386, `application/merge-patch+json`) to the object at `path`: members
    /// given replace, `null` members are removed, arrays are replaced whole.
    public func mergePatch(_ path: ResourcePath, _ patch: JSONValue) async throws(KubeError) -> JSONValue {
        try requireName(path, for: "PATCH")
        return try await sendForObject("PATCH", path, body: patch, contentType: "application/merge-patch+json")
    }

    /// Deletes the object at `path`. An object that is already gone fails with ``KubeError/Kind/notFound``.
    public func delete(_ path: ResourcePath) async throws(KubeError) {
        try requireName(path, for: "DELETE")
        _ = try await send("DELETE", path)
    }
}
