import KubeClient

extension InMemoryCluster {
    /// Deletes the object at `path` as a recorded call (the code under test deleting): finalizers are honoured as
    /// in ``delete(at:)``; a missing object fails with ``KubeError/Kind/notFound``.
    public func delete(_ path: ResourcePath) async throws(KubeError) {
        try await begin(Call(.delete, path))
        guard object(at: path) != nil else { throw Self.notFound(.delete, path) }
        delete(at: path)
    }
}
