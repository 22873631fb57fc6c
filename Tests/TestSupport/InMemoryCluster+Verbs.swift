import Foundation
import KubeClient
import Primitives

extension InMemoryCluster {
    /// The object at `path` (a `status` subresource reads as the whole object, as the API server answers).
    public func get(_ path: ResourcePath) async throws(KubeError) -> JSONValue {
        try await begin(Call(.get, path))
        guard path.hasName else { return try refusedList(path) }
        return try state.withLock { state throws(KubeError) in
            guard let object = state.objects[Self.key(path)] else { throw Self.notFound(.get, path) }
            return object
        }
    }

    /// The objects of the collection at `path` that match both selectors, ordered by namespace and name.
    public func list(
        _ path: ResourcePath, labelSelector: String? = nil, fieldSelector: String? = nil
    ) async throws(KubeError) -> KubeList {
        try await begin(Call(.list, path, labelSelector: labelSelector, fieldSelector: fieldSelector))
        guard !path.hasName else {
            throw Self.refused(.list, path, "the path names an object, not a collection")
        }
        let matches = try Self.selector(labelSelector: labelSelector, fieldSelector: fieldSelector, path: path)
        return state.withLock { state in
            KubeList(
                items: Self.members(of: path, in: state).map(\.value).filter(matches),
                resourceVersion: String(state.resourceVersion))
        }
    }

    /// Stores a new object named by its `metadata.name` (or `generateName` plus a suffix) in the collection.
    public func create(_ path: ResourcePath, _ object: JSONValue) async throws(KubeError) -> JSONValue {
        try await begin(Call(.create, path))
        guard !path.hasName else {
            throw Self.refused(.create, path, "create takes the collection, not a named object")
        }
        let now = now()
        return try state.withLock { state throws(KubeError) in
            try Self.insert(object, in: path, now: now, state: &state)
        }
    }

    /// Replaces the object, or only its `status` for the `status` subresource; a stale resourceVersion conflicts.
    public func update(_ path: ResourcePath, _ object: JSONValue) async throws(KubeError) -> JSONValue {
        try await begin(Call(.update, path))
        guard path.hasName else { throw Self.refused(.update, path, "the path names no object") }
        guard object.object != nil else { throw Self.badRequest(.update, path, "the body is not a JSON object") }
        let name = object["metadata"]["name"].string ?? ""
        guard name == path.name else {
            throw Self.badRequest(
                .update, path, "the name of the object (\(name)) does not match the name on the URL (\(path.name!))")
        }
        return try state.withLock { state throws(KubeError) in
            guard let old = state.objects[Self.key(path)] else { throw Self.notFound(.update, path) }
            let version = object["metadata"]["resourceVersion"].string
            if let version, version != old["metadata"]["resourceVersion"].string {
                throw Self.conflict(path)
            }
            if version == nil && Self.isCustom(path) {
                throw Self.apiError(
                    .update, path, status: 422, reason: "Invalid",
                    message: "\(Self.qualified(path)) \"\(name)\" is invalid: metadata.resourceVersion: "
                        + "Invalid value: 0x0: must be specified for an update")
            }
            return try Self.write(object, over: old, at: path, verb: .update, state: &state)
        }
    }

    /// Applies a JSON merge patch (RFC 7386) to the object, or only to its `status` for the `status` subresource.
    public func mergePatch(_ path: ResourcePath, _ patch: JSONValue) async throws(KubeError) -> JSONValue {
        try await begin(Call(.mergePatch, path))
        guard path.hasName else { throw Self.refused(.mergePatch, path, "the path names no object") }
        guard patch.object != nil else { throw Self.badRequest(.mergePatch, path, "the patch is not a JSON object") }
        return try state.withLock { state throws(KubeError) in
            guard let old = state.objects[Self.key(path)] else { throw Self.notFound(.mergePatch, path) }
            if let version = patch["metadata"]["resourceVersion"].string,
                version != old["metadata"]["resourceVersion"].string
            {
                throw Self.conflict(path, verb: .mergePatch)
            }
            return try Self.write(Self.merge(patch, into: old), over: old, at: path, verb: .mergePatch, state: &state)
        }
    }

    // MARK: Storage rules

    /// Stores a new object in `collection` (the create rules), returning it as stored.
    static func insert(
        _ object: JSONValue, in collection: ResourcePath, now: Date, state: inout State
    ) throws(KubeError) -> JSONValue {
        guard object.object != nil else { throw badRequest(.create, collection, "the body is not a JSON object") }
        var object = object
        let metadata = object["metadata"]
        if let namespace = metadata["namespace"].string, !namespace.isEmpty, let wanted = key(collection).namespace,
            namespace != wanted
        {
            throw badRequest(
                .create, collection,
                "the namespace of the provided object does not match the namespace sent on the request")
        }
        if metadata["resourceVersion"].string?.isEmpty == false {
            throw badRequest(.create, collection, "resourceVersion should not be set on objects to be created")
        }
        state.serial += 1
        var name = metadata["name"].string ?? ""
        if name.isEmpty, let prefix = metadata["generateName"].string, !prefix.isEmpty {
            name = prefix + String(state.serial, radix: 36)
            object["metadata"]["name"] = .string(name)
        }
        guard !name.isEmpty else {
            throw apiError(
                .create, collection, status: 422, reason: "Invalid",
                message: "\(qualified(collection)) \"\" is invalid: metadata.name: Required value: name or "
                    + "generateName is required")
        }
        let storedAt = key(collection.named(name))
        guard state.objects[storedAt] == nil else {
            throw apiError(
                .create, collection, status: 409, reason: "AlreadyExists",
                message: "\(qualified(collection)) \"\(name)\" already exists")
        }
        place(&object, in: collection)
        object["metadata"]["uid"] = .string("uid-\(state.serial)")
        object["metadata"]["creationTimestamp"] = .string(timestamp(now))
        object["metadata"].removeValue(forKey: "generation")
        if isCustom(collection) {
            object["metadata"]["generation"] = 1
            // The status subresource: a create never sets status.
            object.removeValue(forKey: "status")
        }
        return commit(object, at: storedAt, in: &state)
    }

    /// Stores `new` over `old` at `path` (the update rules shared by PUT and PATCH) and returns it; a write that
    /// changes nothing keeps the resourceVersion. Finalizers as the API server has them: an object being deleted
    /// takes no new finalizer (422), and once its last one is removed it is deleted (the answer is its last state).
    static func write(
        _ new: JSONValue, over old: JSONValue, at path: ResourcePath, verb: Verb, state: inout State
    ) throws(KubeError) -> JSONValue {
        var result: JSONValue
        if path.subresource == "status" {
            result = old
            result["status"] = new["status"]
            if new["status"].isNull { result.removeValue(forKey: "status") }
        } else {
            result = new
            // An update can never set, change or remove the deletion timestamp.
            for field in [
                "uid", "creationTimestamp", "generation", "namespace", "name", "deletionTimestamp",
                "deletionGracePeriodSeconds",
            ] {
                result["metadata"][field] = old["metadata"][field]
                if old["metadata"][field].isNull { result["metadata"].removeValue(forKey: field) }
            }
            if !old["metadata"]["deletionTimestamp"].isNull {
                let before = Set((old["metadata"]["finalizers"].array ?? []).compactMap(\.string))
                let added = (result["metadata"]["finalizers"].array ?? []).compactMap(\.string).filter {
                    !before.contains($0)
                }
                if !added.isEmpty {
                    let shown = added.map { "\"\($0)\"" }.joined(separator: ", ")
                    throw apiError(
                        verb, path, status: 422, reason: "Invalid",
                        message: "\(qualified(path)) \"\(path.name ?? "")\" is invalid: metadata.finalizers: "
                            + "Forbidden: no new finalizers can be added if the object is being deleted, found new "
                            + "finalizers []string{\(shown)}")
                }
                if (result["metadata"]["finalizers"].array ?? []).isEmpty {
                    state.resourceVersion += 1
                    state.objects[key(path)] = nil
                    return result
                }
            }
            if hasStatusSubresource(path) {
                result["status"] = old["status"]
                if old["status"].isNull { result.removeValue(forKey: "status") }
            }
            if isCustom(path), withoutMetadataAndStatus(result) != withoutMetadataAndStatus(old) {
                result["metadata"]["generation"] = .number(Double((old["metadata"]["generation"].int ?? 0) + 1))
            }
        }
        result["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
        if result == old { return old }
        return commit(result, at: key(path), in: &state)
    }

    /// RFC 7386: members of `patch` replace, `null` members remove, objects merge recursively, the rest replace.
    static func merge(_ patch: JSONValue, into target: JSONValue) -> JSONValue {
        guard let members = patch.object else { return patch }
        var result = target.object ?? [:]
        for (key, value) in members {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = merge(value, into: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    private static func withoutMetadataAndStatus(_ object: JSONValue) -> JSONValue {
        var object = object
        object.removeValue(forKey: "metadata")
        object.removeValue(forKey: "status")
        return object
    }

    static func notFound(_ verb: Verb, _ path: ResourcePath) -> KubeError {
        apiError(
            verb, path, status: 404, reason: "NotFound", message: "\(qualified(path)) \"\(path.name ?? "")\" not found")
    }

    static func badRequest(_ verb: Verb, _ path: ResourcePath, _ message: String) -> KubeError {
        apiError(verb, path, status: 400, reason: "BadRequest", message: message)
    }

    /// A GET of a collection through ``get(_:)``: the real client would decode a list as one object; the fake
    /// refuses, so a test notices.
    private func refusedList(_ path: ResourcePath) throws(KubeError) -> JSONValue {
        throw Self.refused(.get, path, "get takes a named object; list a collection")
    }

    /// RFC 3339 in UTC with whole seconds (Kubernetes `Time`).
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
