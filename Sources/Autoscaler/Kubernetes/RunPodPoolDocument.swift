import Decisions
import KubeClient
import Primitives

/// Reads RunPodPool objects (`gpuburst.io/v1alpha1`). The API server applies
/// the CRD's defaults; absent fields here fall back to the same values.
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
        func fail(_ field: String, _ reason: String) -> Result<ClusterPool, PoolObjectError> {
            .failure(PoolObjectError(pool: "\(id)", field: field, reason: reason))
        }
        var pool = PoolSpec(id: id)
        pool.maxReplicas = spec["maxReplicas"].int ?? 20
        pool.maxCostPerHour = spec["maxCostPerHour"].double
        if let cost = pool.maxCostPerHour, cost <= 0 { return fail("spec.maxCostPerHour", "must be positive") }
        if pool.maxReplicas < 0 { return fail("spec.maxReplicas", "must be at least 0") }

        let t = spec["template"]
        var template = PodTemplate()
        template.image = t["image"].string ?? ""
        template.templateId = t["templateId"].string ?? defaults.templateId
        template.gpuTypeIds = strings(t["gpuTypeIds"]) ?? template.gpuTypeIds
        if !defaults.gpuTypeId.isEmpty && t["gpuTypeIds"].isNull {
            template.gpuTypeIds = [defaults.gpuTypeId] + template.gpuTypeIds.filter { $0 != defaults.gpuTypeId }
        }
        template.gpuCount = t["gpuCount"].int ?? 1
        template.clouds = strings(t["clouds"]) ?? template.clouds
        template.dataCenterIds = strings(t["dataCenterIds"]) ?? []
        template.networkVolumeId = t["networkVolumeId"].string ?? defaults.networkVolumeId
        template.env = (t["env"].object ?? [:]).compactMapValues(\.string)
        template.ports = strings(t["ports"]) ?? template.ports
        template.startSsh = t["startSsh"].bool ?? true
        if template.image.isEmpty && template.templateId.isEmpty {
            return fail("spec.template", "image or templateId is required (or set RUNPOD_TEMPLATE_ID)")
        }
        if template.gpuTypeIds.isEmpty { return fail("spec.template.gpuTypeIds", "needs at least one GPU type") }
        if template.clouds.isEmpty || template.clouds.contains(where: { $0 != "SECURE" && $0 != "COMMUNITY" }) {
            return fail("spec.template.clouds", "SECURE and COMMUNITY only")
        }
        if template.gpuCount < 1 { return fail("spec.template.gpuCount", "must be at least 1") }
        pool.template = template

        let s = spec["scaling"]
        var scaling = ScalingSettings()
        scaling.jobsPerWorker = s["jobsPerWorker"].int ?? scaling.jobsPerWorker
        scaling.activationQueueDepth = s["activationQueueDepth"].int ?? scaling.activationQueueDepth
        scaling.latencySLOSeconds = s["latencySLOSeconds"].double ?? scaling.latencySLOSeconds
        scaling.scaleDownIdleSeconds = s["scaleDownIdleSeconds"].double ?? scaling.scaleDownIdleSeconds
        scaling.provisionTimeoutSeconds = s["provisionTimeoutSeconds"].double ?? scaling.provisionTimeoutSeconds
        scaling.unavailableOfferingSeconds =
            s["unavailableOfferingSeconds"].double ?? scaling.unavailableOfferingSeconds
        scaling.orphanGraceSeconds = s["orphanGraceSeconds"].double ?? scaling.orphanGraceSeconds
        if scaling.jobsPerWorker < 1 { return fail("spec.scaling.jobsPerWorker", "must be at least 1") }
        pool.scaling = scaling

        let reference: JSONValue = [
            "apiVersion": .string(object["apiVersion"].string ?? apiVersion),
            "kind": .string(object["kind"].string ?? kind),
            "metadata": ["name": .string(name), "namespace": .string(namespace), "uid": metadata["uid"]],
        ]
        return .success(
            ClusterPool(
                spec: pool, replicas: max(0, spec["replicas"].int ?? 0), generation: metadata["generation"].int ?? 0,
                reference: reference))
    }

    private static func strings(_ value: JSONValue) -> [String]? {
        value.array.map { $0.compactMap(\.string) }
    }
}
