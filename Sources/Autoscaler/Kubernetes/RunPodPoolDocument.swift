import Decisions
import KubeClient
import Primitives

/// Reads RunPodPool objects (`gpuburst.io/v1alpha1`). The API server applies
/// the CRD's defaults; fields it leaves out get the defaults of a config-file
/// pool, through the same `PoolDraft.validated` checks, except
/// `maxCostPerHour`: unset means no cap.
public enum RunPodPoolDocument {
    public static let apiVersion = "gpuburst.io/v1alpha1"
    public static let kind = "RunPodPool"

    /// The pool, or why the object cannot be used (named by field).
    public static func parse(_ object: JSONValue, defaults: PoolDefaults) -> Result<ClusterPool, PoolObjectError> {
        let metadata = object["metadata"]
        guard let name = metadata["name"].string, let namespace = metadata["namespace"].string else {
            return .failure(PoolObjectError(pool: "?", field: "metadata", reason: "name and namespace are required"))
        }
        let id = PoolID(namespace: namespace, name: name)
        let spec = object["spec"]
        let fields = PoolObjectFields(spec: spec)
        let pool: PoolSpec
        let replicas: Int?
        do throws(PoolSpecError) {
            replicas = try fields.int("replicas")
            var draft = try draft(fields)
            draft.name = name
            draft.namespace = namespace
            pool = try draft.validated(defaults: defaults)
        } catch {
            let field =
                switch error.field {
                case "name", "namespace": "metadata.\(error.field)"
                default: "spec.\(error.field)"
                }
            return .failure(PoolObjectError(pool: "\(id)", field: field, reason: error.reason))
        }

        let reference: JSONValue = [
            "apiVersion": .string(object["apiVersion"].string ?? apiVersion),
            "kind": .string(object["kind"].string ?? kind),
            "metadata": ["name": .string(name), "namespace": .string(namespace), "uid": metadata["uid"]],
        ]
        var cluster = ClusterPool(
            spec: pool, replicas: max(0, replicas ?? 0), generation: metadata["generation"].int ?? 0,
            reference: reference, statusPods: object["status"]["replicas"].int,
            statusRunning: object["status"]["readyReplicas"].int,
            statusPodPrice: object["status"]["podPricePerHour"].double,
            published: PublishedDecisionDocument.parse(object["status"]["decision"]))
        cluster.finalizers = (metadata["finalizers"].array ?? []).compactMap(\.string)
        cluster.deleting = !metadata["deletionTimestamp"].isNull
        for tunnel in object["status"]["tunnels"].array ?? [] {
            if let podId = tunnel["podId"].string, let hostKey = tunnel["hostKey"].string {
                cluster.pinnedHostKeys[podId] = hostKey
            }
        }
        return .success(cluster)
    }

    /// The spec's fields as written; a field of the wrong JSON type is an error
    /// named by its path relative to `spec`.
    private static func draft(_ f: PoolObjectFields) throws(PoolSpecError) -> PoolDraft {
        var pool = PoolDraft()
        var fields = f
        try pool.readSharedFields(from: &fields)
        pool.maxCostPerHour = try f.double("maxCostPerHour").map { .usdPerHour($0) } ?? .unlimited
        return pool
    }
}
