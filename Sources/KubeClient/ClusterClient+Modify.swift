import Primitives

extension ClusterClient {
    /// Reads the object at `path`, applies `change`, and writes the result back with the resourceVersion read;
    /// on a conflict it re-reads and applies `change` again, up to `attempts` reads in all, then fails with
    /// ``KubeError/Kind/conflict``: ``ReadModifyWrite``'s loop over this client's ``get(_:)`` and ``update(_:_:)``,
    /// so the real client and the in-memory fake modify alike.
    ///
    /// - Returns: The object as stored after the write (the object read, when `change` left it as it was).
    public func modify(
        _ path: ResourcePath,
        attempts: Int = 5,
        _ change: @Sendable (inout JSONValue) throws -> Void
    ) async throws(KubeError) -> JSONValue {
        try await ReadModifyWrite.modify(
            path, attempts: attempts,
            get: { path throws(KubeError) in try await self.get(path) },
            update: { path, object throws(KubeError) in try await self.update(path, object) },
            change: change)
    }
}
