import Primitives

/// The Kubernetes API calls the leader elector, the cluster observer, the status writer and the event recorder
/// make: objects as ``JSONValue`` addressed by ``ResourcePath``, every failure a classified ``KubeError``.
///
/// ``KubeClient`` is the real one; tests use an in-memory cluster that records calls and injects one-shot
/// errors. Read-modify-write (``modify(_:attempts:_:)``) is built on ``get(_:)`` and ``update(_:_:)``, so it
/// behaves the same over every client.
public protocol ClusterClient: Sendable {
    /// The object (or subresource) at `path`; a missing one fails with ``KubeError/Kind/notFound``.
    func get(_ path: ResourcePath) async throws(KubeError) -> JSONValue

    /// The objects of the collection at `path` (a nil namespace lists across all namespaces) that match a label
    /// selector (`app=gpu-worker,tier in (a,b)`) and a field selector (`status.phase!=Failed`); nil selects all.
    func list(
        _ path: ResourcePath, labelSelector: String?, fieldSelector: String?
    ) async throws(KubeError) -> KubeList

    /// Creates `object` in the collection at `path` and returns it as stored; an existing name fails with
    /// ``KubeError/Kind/alreadyExists``.
    func create(_ path: ResourcePath, _ object: JSONValue) async throws(KubeError) -> JSONValue

    /// Replaces the object (or its `status`) at `path`; when `object` carries a `metadata.resourceVersion` that is
    /// no longer the stored one, fails with ``KubeError/Kind/conflict``.
    func update(_ path: ResourcePath, _ object: JSONValue) async throws(KubeError) -> JSONValue

    /// Applies a JSON merge patch (RFC 7386) to the object (or its `status`) at `path`.
    func mergePatch(_ path: ResourcePath, _ patch: JSONValue) async throws(KubeError) -> JSONValue

    /// Deletes the object at `path`; one already gone fails with ``KubeError/Kind/notFound``.
    func delete(_ path: ResourcePath) async throws(KubeError)

    /// Records a core/v1 Event about `object` (which carries its `apiVersion`, `kind` and `metadata`): `type`
    /// `Normal` or `Warning`, a short UpperCamelCase `reason`, a `message`, and an `action` (nil: the reason).
    func recordEvent(
        about object: JSONValue, type: String, reason: String, message: String, action: String?
    ) async throws(KubeError)
}
