import Primitives

/// The answer to ``KubeClient/list(_:labelSelector:fieldSelector:)``: the objects and the collection's
/// `resourceVersion`.
public struct KubeList: Sendable, Equatable {
    /// The objects. Each carries `apiVersion` and `kind` (the API server leaves them out of list items; the client
    /// fills them in from the list's own), so an item can be passed to ``KubeClient/recordEvent(about:type:reason:message:action:)``.
    public var items: [JSONValue]
    /// The list's `metadata.resourceVersion`, for a watch or a consistent re-list.
    public var resourceVersion: String

    /// Creates a list.
    public init(items: [JSONValue], resourceVersion: String) {
        self.items = items
        self.resourceVersion = resourceVersion
    }

    /// The list in a `…List` document: items, with `apiVersion` and `kind` filled in where missing.
    init(document: JSONValue) throws(KubeError) {
        guard let items = document["items"].array ?? (document["items"].isNull ? [] : nil) else {
            throw KubeError(kind: .decoding, message: "the list has no items array")
        }
        let apiVersion = document["apiVersion"].string
        let kind = document["kind"].string.flatMap { $0.hasSuffix("List") ? String($0.dropLast(4)) : nil }
        self.items = items.map { item in
            guard item.object != nil else { return item }
            var item = item
            if item["apiVersion"].string == nil, let apiVersion {
                item["apiVersion"] = .string(apiVersion)
            }
            if item["kind"].string == nil, let kind, !kind.isEmpty {
                item["kind"] = .string(kind)
            }
            return item
        }
        resourceVersion = document["metadata"]["resourceVersion"].string ?? ""
    }
}
