import Primitives

/// The read-modify-write loop behind ``ClusterClient/modify(_:attempts:_:)``, over any pair of get and update calls,
/// so another client of the same API (a wrapper, an in-memory fake) modifies with exactly the same semantics.
public enum ReadModifyWrite {
    /// Reads the object at `path` with `get`, applies `change`, and writes the result back with `update`, made
    /// conditional on the resourceVersion read, so a concurrent writer's change is never lost: on a conflict it
    /// re-reads and applies `change` again, up to `attempts` reads in all, then fails with
    /// ``KubeError/Kind/conflict``.
    ///
    /// A `change` that leaves the object as it was writes nothing and returns the object read. A `change` that
    /// throws stops at once with nothing written: a ``KubeError`` as thrown, any other error as
    /// ``KubeError/Kind/aborted`` with it as the cause. A path that names no object fails with
    /// ``KubeError/Kind/invalid`` before anything is read.
    ///
    /// - Returns: The object as stored after the write.
    public static func modify(
        _ path: ResourcePath,
        attempts: Int,
        get: (ResourcePath) async throws(KubeError) -> JSONValue,
        update: (ResourcePath, JSONValue) async throws(KubeError) -> JSONValue,
        change: (inout JSONValue) throws -> Void
    ) async throws(KubeError) -> JSONValue {
        guard path.hasName else {
            throw KubeError(kind: .invalid, message: "modify \(path.path): the path names no object")
        }
        let attempts = max(1, attempts)
        var lastConflict: KubeError?
        for _ in 0..<attempts {
            let current = try await get(path)
            var changed = current
            do {
                try change(&changed)
            } catch let error as KubeError {
                throw error
            } catch {
                throw KubeError(
                    kind: .aborted, message: "modify \(path.path): the change failed: \(error)", cause: error)
            }
            if changed == current {
                return current
            }
            // The write must be conditional on what was read, whatever `change` did to the field.
            if let version = current["metadata"]["resourceVersion"].string {
                changed["metadata"]["resourceVersion"] = .string(version)
            }
            do {
                return try await update(path, changed)
            } catch  where error.kind == .conflict {
                lastConflict = error
            }
        }
        throw KubeError(
            kind: .conflict,
            status: lastConflict?.status,
            reason: lastConflict?.reason,
            message: "modify \(path.path): gave up after \(attempts) conflicting writes; last: "
                + (lastConflict?.message ?? "conflict")
        )
    }
}
