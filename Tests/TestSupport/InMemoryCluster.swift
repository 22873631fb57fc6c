import Foundation
import KubeClient
import Primitives
import Synchronization

/// An in-memory Kubernetes API server for unit tests, after karpenter's fake CloudProvider: it keeps objects by
/// path, answers the cluster client calls (get, list, create, update, merge patch, record event) the way the API
/// server does, records every call, and fails the next call of a verb with an injected error.
///
/// What it does as the API server does: every write stores a new `metadata.resourceVersion` (a write that changes
/// nothing keeps it, as etcd does); an update or patch carrying a stale resourceVersion fails with the 409
/// ``KubeError/Kind/conflict`` the real client throws; a create of an existing name fails with
/// ``KubeError/Kind/alreadyExists``; lists filter by label selector and by `field=value`/`field!=value` field
/// selectors; finalizers hold a deleted object (``delete(at:)``) until an update removes the last one, and none may
/// be added meanwhile; writes to `status` change only `status`, and writes to the main resource of a custom resource (or a
/// Pod, Node or Namespace) never change it; custom resources get a `metadata.generation` that moves with their
/// spec and refuse an update without a resourceVersion. Errors carry the status, reason and message shape the real
/// client gives (`PUT /apis/...: Operation cannot be fulfilled on ...`).
public final class InMemoryCluster: Sendable {
    struct State {
        var objects: [ResourcePath: JSONValue] = [:]
        var resourceVersion = 0
        var serial = 0
        var calls: [Call] = []
        var failures: [(verb: Verb, path: ResourcePath?, error: KubeError)] = []
        var hooks: [(verb: Verb, body: @Sendable () async -> Void)] = []
    }

    let state = Mutex(State())
    let now: @Sendable () -> Date

    /// Creates an empty cluster.
    /// - Parameter now: the time stamped on created objects and events (a manual clock's, in tests).
    public init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
    }

    // MARK: Seeding and inspection (not recorded as calls)

    /// Stores `object` in the collection `collection` as the API server would store it, replacing any object of
    /// that name, without recording a call: the namespace comes from the collection, `apiVersion` is filled in
    /// when missing, and the object gets a new resourceVersion (and a uid, and generation 1 for a custom
    /// resource, when it has none).
    /// - Returns: The object as stored.
    @discardableResult
    public func put(_ object: JSONValue, in collection: ResourcePath) -> JSONValue {
        state.withLock { state in
            var object = object
            let name = object["metadata"]["name"].string ?? ""
            precondition(!name.isEmpty, "InMemoryCluster.put: the object has no metadata.name")
            Self.place(&object, in: collection)
            if object["metadata"]["uid"].string == nil {
                state.serial += 1
                object["metadata"]["uid"] = .string("uid-\(state.serial)")
            }
            if Self.isCustom(collection), object["metadata"]["generation"].int == nil {
                object["metadata"]["generation"] = 1
            }
            return Self.commit(object, at: Self.key(collection.named(name)), in: &state)
        }
    }

    /// Deletes the object at `path` as the API server does, without recording a call (the test plays `kubectl
    /// delete`): an object with finalizers gets a `deletionTimestamp` (now) and `deletionGracePeriodSeconds` 0 and
    /// stays until an update removes its last finalizer; one without is removed at once.
    /// - Returns: The object still stored (being deleted), or nil when it is gone or never was.
    @discardableResult
    public func delete(at path: ResourcePath) -> JSONValue? {
        let date = now()
        return state.withLock { state -> JSONValue? in
            let key = Self.key(path)
            guard var object = state.objects[key] else { return nil }
            guard !(object["metadata"]["finalizers"].array ?? []).isEmpty else {
                state.resourceVersion += 1
                state.objects[key] = nil
                return nil
            }
            guard object["metadata"]["deletionTimestamp"].isNull else { return object }
            object["metadata"]["deletionTimestamp"] = .string(Self.timestamp(date))
            object["metadata"]["deletionGracePeriodSeconds"] = 0
            return Self.commit(object, at: key, in: &state)
        }
    }

    /// The object stored at `path` (its subresource, if any, is ignored), or nil.
    public func object(at path: ResourcePath) -> JSONValue? {
        state.withLock { $0.objects[Self.key(path)] }
    }

    /// The objects of `collection` (a nil namespace: of every namespace), ordered by namespace and name.
    public func objects(in collection: ResourcePath) -> [JSONValue] {
        state.withLock { state in Self.members(of: collection, in: state).map(\.value) }
    }

    /// The latest resourceVersion handed out.
    public var resourceVersion: Int { state.withLock { $0.resourceVersion } }

    /// Every call received so far, in order, failed ones included.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// The verbs of ``calls``, in order.
    public var verbs: [Verb] { calls.map(\.verb) }

    /// Forgets the calls recorded so far.
    public func clearCalls() {
        state.withLock { $0.calls.removeAll() }
    }

    // MARK: Injection

    /// Fails the next call of `verb` (to exactly `path`, when given) with `error`, once; several injections fail as
    /// many calls, in order. The failed call is recorded; nothing is changed.
    public func failNext(_ verb: Verb, at path: ResourcePath? = nil, with error: KubeError) {
        state.withLock { $0.failures.append((verb, path, error)) }
    }

    /// Runs `body` once, at the start of the next call of `verb`, before that call is recorded or served: the
    /// place to let another writer in between this client's read and its write.
    public func beforeNext(_ verb: Verb, run body: @escaping @Sendable () async -> Void) {
        state.withLock { $0.hooks.append((verb, body)) }
    }

    /// The 409 conflict the real client throws when an update carries a stale resourceVersion.
    public static func conflict(_ path: ResourcePath, verb: Verb = .update) -> KubeError {
        apiError(
            verb, path, status: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(qualified(path)) \"\(path.name ?? "")\": the object has "
                + "been modified; please apply your changes to the latest version and try again")
    }

    /// A 500 the API server could answer with, for injecting with ``failNext(_:with:)``.
    public static func serverError(
        _ verb: Verb, _ path: ResourcePath, message: String = "etcdserver: request timed out"
    ) -> KubeError {
        apiError(verb, path, status: 500, reason: "InternalError", message: message)
    }

    // MARK: Internals shared by the verbs

    /// Runs the hook for `call`'s verb, records the call and throws an injected failure, if any.
    func begin(_ call: Call) async throws(KubeError) {
        let hook = state.withLock { state -> (@Sendable () async -> Void)? in
            guard let index = state.hooks.firstIndex(where: { $0.verb == call.verb }) else { return nil }
            return state.hooks.remove(at: index).body
        }
        if let hook { await hook() }
        let failure = state.withLock { state -> KubeError? in
            state.calls.append(call)
            let index = state.failures.firstIndex { $0.verb == call.verb && ($0.path == nil || $0.path == call.path) }
            guard let index else { return nil }
            return state.failures.remove(at: index).error
        }
        if let failure { throw failure }
    }

    /// Where an object is stored: its path without a subresource, an empty namespace as none.
    static func key(_ path: ResourcePath) -> ResourcePath {
        var key = path
        key.subresource = nil
        if key.namespace?.isEmpty == true { key.namespace = nil }
        return key
    }

    /// The stored objects of `collection`'s resource in its namespace (all namespaces when it has none), ordered.
    static func members(of collection: ResourcePath, in state: State) -> [(key: ResourcePath, value: JSONValue)] {
        let namespace = key(collection).namespace
        return state.objects
            .filter { key, _ in
                key.group == collection.group && key.plural == collection.plural
                    && (namespace == nil || key.namespace == namespace)
            }
            .sorted { ($0.key.namespace ?? "", $0.key.name ?? "") < ($1.key.namespace ?? "", $1.key.name ?? "") }
    }

    /// Stores `object` at `key` with the next resourceVersion and returns it.
    static func commit(_ object: JSONValue, at key: ResourcePath, in state: inout State) -> JSONValue {
        var object = object
        state.resourceVersion += 1
        object["metadata"]["resourceVersion"] = .string(String(state.resourceVersion))
        state.objects[key] = object
        return object
    }

    /// Sets the namespace (from a namespaced collection; none for a cluster-scoped one) and a missing
    /// `apiVersion`.
    static func place(_ object: inout JSONValue, in collection: ResourcePath) {
        if let namespace = key(collection).namespace {
            object["metadata"]["namespace"] = .string(namespace)
        } else {
            object["metadata"].removeValue(forKey: "namespace")
        }
        if object["apiVersion"].string == nil {
            object["apiVersion"] = .string(collection.apiVersion)
        }
    }

    /// A resource served from a CustomResourceDefinition (not a built-in group).
    static func isCustom(_ path: ResourcePath) -> Bool {
        !(path.group.isEmpty || path.group.hasSuffix(".k8s.io")
            || ["apps", "batch", "autoscaling", "policy"].contains(path.group))
    }

    /// Whether the resource has a `status` subresource, so writes to the main resource keep the stored status.
    static func hasStatusSubresource(_ path: ResourcePath) -> Bool {
        isCustom(path) || (path.group.isEmpty && ["pods", "nodes", "namespaces"].contains(path.plural))
    }

    /// `plural.group`, as API server messages name a resource.
    static func qualified(_ path: ResourcePath) -> String {
        path.group.isEmpty ? path.plural : "\(path.plural).\(path.group)"
    }

    /// An error shaped as the real client reports a `Status` answer: `METHOD /path: message`.
    static func apiError(_ verb: Verb, _ path: ResourcePath, status: Int, reason: String, message: String)
        -> KubeError
    {
        let kind = KubeError.Kind(status: status, reason: reason)
        return KubeError(
            kind: kind, status: status, reason: reason, message: "\(verb.method) \(path.path): \(message)")
    }

    /// A request the real client refuses to send (no status, no reason).
    static func refused(_ verb: Verb, _ path: ResourcePath, _ why: String) -> KubeError {
        KubeError(kind: .invalid, message: "\(verb.method) \(path.path): \(why)")
    }
}
