import Primitives

extension KubeClient {
    /// Reads the object at `path`, applies `change`, and writes the result back (PUT) with the resourceVersion
    /// read, so a concurrent writer's change is never lost: on a conflict (409) it re-reads and applies `change`
    /// again, up to `attempts` reads in all, then fails with ``KubeError/Kind/conflict``.
    ///
    /// A `change` that leaves the object as it was writes nothing and returns the object read. A `change` that
    /// throws stops at once with nothing written: a ``KubeError`` as thrown, any other error as
    /// ``KubeError/Kind/aborted`` with it as the cause. Works on subresources (`status`) too. The loop itself is
    /// ``ReadModifyWrite/modify(_:attempts:get:update:change:)``.
    ///
    /// - Returns: The object as stored after the write.
    public func modify(
        _ path: ResourcePath,
        attempts: Int = 5,
        _ change: @Sendable (inout JSONValue) throws -> Void
    ) async throws(KubeError) -> JSONValue {
        try await ReadModifyWrite.modify(
            path, attempts: attempts,
            get: { path throws(KubeError) in try await get(path) },
            update: { path, object throws(KubeError) in try await update(path, object) },
            change: change)
    }
}
