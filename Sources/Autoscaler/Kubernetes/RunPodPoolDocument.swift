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
        return .success(
            ClusterPool(
                spec: pool, replicas: max(0, replicas ?? 0), generation: metadata["generation"].int ?? 0,
                reference: reference))
    }

    /// The spec's fields as written; a field of the wrong JSON type is an error
    /// named by its path relative to `spec`.
    private static func draft(_ f: PoolObjectFields) throws(PoolSpecError) -> PoolDraft {
        var pool = PoolDraft()
        pool.maxReplicas = try f.int("maxReplicas")
        pool.maxCostPerHour = try f.double("maxCostPerHour").map { .usdPerHour($0) } ?? .unlimited

        pool.image = try f.string("template.image")
        pool.templateId = try f.string("template.templateId")
        pool.gpuTypeIds = try f.strings("template.gpuTypeIds")
        pool.gpuCount = try f.int("template.gpuCount")
        pool.clouds = try f.strings("template.clouds")
        pool.dataCenterIds = try f.strings("template.dataCenterIds")
        pool.networkVolumeId = try f.string("template.networkVolumeId")
        pool.env = try f.stringMap("template.env")
        pool.ports = try f.strings("template.ports")
        pool.startSsh = try f.bool("template.startSsh")

        pool.jobsPerWorker = try f.int("scaling.jobsPerWorker")
        pool.activationQueueDepth = try f.int("scaling.activationQueueDepth")
        pool.latencySLOSeconds = try f.double("scaling.latencySLOSeconds")
        pool.scaleDownIdleSeconds = try f.double("scaling.scaleDownIdleSeconds")
        pool.provisionTimeoutSeconds = try f.double("scaling.provisionTimeoutSeconds")
        pool.unavailableOfferingSeconds = try f.double("scaling.unavailableOfferingSeconds")
        pool.orphanGraceSeconds = try f.double("scaling.orphanGraceSeconds")
        return pool
    }
}
