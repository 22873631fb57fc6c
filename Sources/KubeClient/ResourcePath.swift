import CurlHTTP

/// Where a Kubernetes resource or collection lives on the API server, e.g.
/// `ResourcePath(group: "gpuburst.io", version: "v1alpha1", plural: "runpodpools", namespace: "media",
/// name: "burst", subresource: "status")` is `/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/status`.
///
/// A nil (or empty) ``namespace`` addresses a cluster-scoped resource, or a collection across all namespaces; a nil
/// ``name`` addresses the collection.
public struct ResourcePath: Sendable, Hashable, CustomStringConvertible {
    /// The API group; `""` is the core group, served under `/api/v1`.
    public var group: String
    /// The group version, e.g. `v1`.
    public var version: String
    /// The resource's plural name, e.g. `pods`, `runpodpools`.
    public var plural: String
    /// The namespace of a namespaced resource.
    public var namespace: String?
    /// One object's name; nil for the collection.
    public var name: String?
    /// A subresource of the named object, e.g. `status` or `scale`.
    public var subresource: String?

    /// Creates a path.
    public init(
        group: String = "",
        version: String = "v1",
        plural: String,
        namespace: String? = nil,
        name: String? = nil,
        subresource: String? = nil
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
    }

    /// The URL path, each segment percent-encoded.
    public var path: String {
        var text =
            group.isEmpty ? "/api/\(Self.segment(version))" : "/apis/\(Self.segment(group))/\(Self.segment(version))"
        if let namespace, !namespace.isEmpty {
            text += "/namespaces/\(Self.segment(namespace))"
        }
        text += "/\(Self.segment(plural))"
        if let name, !name.isEmpty {
            text += "/\(Self.segment(name))"
            if let subresource, !subresource.isEmpty {
                text += "/\(Self.segment(subresource))"
            }
        }
        return text
    }

    public var description: String { path }

    /// `apiVersion` of the objects here: `v1` for the core group, else `group/version`.
    public var apiVersion: String {
        group.isEmpty ? version : "\(group)/\(version)"
    }

    /// Whether the path names one object (a non-empty ``name``).
    public var hasName: Bool {
        !(name ?? "").isEmpty
    }

    /// The same resource type and namespace, addressing the object `name`.
    public func named(_ name: String) -> ResourcePath {
        var path = self
        path.name = name
        path.subresource = nil
        return path
    }

    /// The same object's subresource `subresource` (`status`, `scale`).
    public func subresource(_ subresource: String) -> ResourcePath {
        var path = self
        path.subresource = subresource
        return path
    }

    /// The collection this object belongs to: no name, no subresource.
    public var collection: ResourcePath {
        var path = self
        path.name = nil
        path.subresource = nil
        return path
    }

    /// `text` as one path segment: RFC 3986 unreserved bytes kept, everything else percent-encoded.
    static func segment(_ text: String) -> String {
        PercentEncoding.encode(text)
    }
}
