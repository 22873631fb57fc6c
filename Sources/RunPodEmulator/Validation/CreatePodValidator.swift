import Primitives

/// Checks a `POST /v2/pods` body against `CreatePodRequest` (its `unevaluatedProperties: false`,
/// types, ranges and the image-unless-template rule), then the rules RunPod's handler adds.
enum CreatePodValidator {
    /// The properties `CreatePodRequest` and the `ContainerConfig` it composes declare.
    static let properties: Set<String> = [
        "args", "disk", "env", "image", "ports", "registry", "name", "cloud", "cpu", "dataCenterIds",
        "globalNetworking", "gpu", "mounts", "startJupyter", "startSsh", "templateId",
    ]
    /// Fields of the retired spot (interruptible) offering.
    static let spotProperties: Set<String> = ["interruptible", "spot", "bidPerGpu", "spotBid", "minBidPerGpu"]

    static func validate(_ body: [UInt8]) throws(Problem) -> PodSpec {
        let value = try RequestBody.parse(body)
        guard let object = value.object else {
            throw Problem.validation(["$: expected object, but got \(value.typeName)"])
        }
        let spot = object.keys.filter(spotProperties.contains).sorted()
        if !spot.isEmpty {
            throw Problem.badRequest(Problem.spotDetail, errors: spot.map { "$.\($0): \(Problem.spotDetail)" })
        }
        var check = SchemaCheck()
        _ = check.object(
            value, at: "$", allowed: properties, required: object["templateId"] == nil ? ["name", "image"] : ["name"])
        let name = check.string(object["name"], at: "$.name", minLength: 1)
        var spec = PodSpec(name: name ?? "", gpuTypeId: "")
        spec.image = check.string(object["image"], at: "$.image") ?? ""
        spec.args = check.string(object["args"], at: "$.args") ?? ""
        spec.disk = check.integer(object["disk"], at: "$.disk", minimum: 1) ?? spec.disk
        spec.env = check.stringMap(object["env"], at: "$.env") ?? [:]
        spec.ports = check.strings(object["ports"], at: "$.ports") ?? []
        spec.registry = check.nullableString(object["registry"], at: "$.registry")
        spec.cloud = check.oneOf(object["cloud"], at: "$.cloud", GPUCatalog.clouds) ?? spec.cloud
        spec.dataCenterIds = check.strings(object["dataCenterIds"], at: "$.dataCenterIds") ?? []
        spec.globalNetworking = check.boolean(object["globalNetworking"], at: "$.globalNetworking") ?? false
        _ = check.boolean(object["startJupyter"], at: "$.startJupyter")
        spec.startSsh = check.boolean(object["startSsh"], at: "$.startSsh") ?? false
        spec.templateId = check.string(object["templateId"], at: "$.templateId", minLength: 1)
        if let gpu = object["gpu"] { readGPU(gpu, into: &spec, check: &check) }
        if let cpu = object["cpu"] { checkCPU(cpu, check: &check) }
        let bothMounts = object["mounts"].map { readMounts($0, into: &spec, check: &check) } ?? false
        guard check.errors.isEmpty else { throw Problem.validation(check.errors) }

        var rules: [String] = []
        if (object["gpu"] == nil) == (object["cpu"] == nil) {
            rules.append("$: exactly one of 'gpu' or 'cpu' must be set")
        } else if object["cpu"] != nil {
            rules.append("$.cpu: CPU pods are not supported by the emulator")
        } else if GPUCatalog.gpu(spec.gpuTypeId) == nil {
            rules.append("$.gpu.id: unknown GPU type '\(spec.gpuTypeId)'")
        }
        if !spec.allowedCudaVersions.isEmpty && spec.minCudaVersion != nil {
            rules.append("$.gpu: allowedCudaVersions and minCudaVersion are mutually exclusive")
        }
        if bothMounts {
            rules.append("$.mounts: persistent and network are mutually exclusive")
        }
        for (index, port) in spec.ports.enumerated() where !isPort(port) {
            rules.append("$.ports[\(index)]: '\(port)' is not <port>/tcp or <port>/http")
        }
        if let first = rules.first { throw Problem.badRequest(first, errors: rules) }
        return spec
    }

    private static func readGPU(_ value: JSONValue, into spec: inout PodSpec, check: inout SchemaCheck) {
        let allowed: Set<String> = ["id", "count", "allowedCudaVersions", "minCudaVersion"]
        guard let gpu = check.object(value, at: "$.gpu", allowed: allowed, required: ["id"]) else { return }
        spec.gpuTypeId = check.string(gpu["id"], at: "$.gpu.id") ?? ""
        spec.gpuCount = check.integer(gpu["count"], at: "$.gpu.count", minimum: 1) ?? 1
        spec.allowedCudaVersions =
            check.strings(
                gpu["allowedCudaVersions"], at: "$.gpu.allowedCudaVersions", pattern: SchemaCheck.isCudaVersion)
            ?? []
        if let minimum = check.string(gpu["minCudaVersion"], at: "$.gpu.minCudaVersion") {
            if SchemaCheck.isCudaVersion(minimum) {
                spec.minCudaVersion = minimum
            } else {
                check.fail("$.gpu.minCudaVersion", "'\(minimum)' does not match the expected format")
            }
        }
    }

    private static func checkCPU(_ value: JSONValue, check: inout SchemaCheck) {
        guard let cpu = check.object(value, at: "$.cpu", allowed: ["id", "vcpuCount"], required: ["id", "vcpuCount"])
        else { return }
        _ = check.string(cpu["id"], at: "$.cpu.id", minLength: 1)
        _ = check.integer(cpu["vcpuCount"], at: "$.cpu.vcpuCount", minimum: 2)
    }

    /// Reads `mounts`; returns whether both kinds were given.
    private static func readMounts(_ value: JSONValue, into spec: inout PodSpec, check: inout SchemaCheck) -> Bool {
        guard let mounts = check.object(value, at: "$.mounts", allowed: ["persistent", "network"]) else { return false }
        if let persistent = mounts["persistent"],
            let fields = check.object(
                persistent, at: "$.mounts.persistent", allowed: ["size", "path"], required: ["size", "path"]),
            let size = check.integer(fields["size"], at: "$.mounts.persistent.size", minimum: 10),
            let path = check.string(fields["path"], at: "$.mounts.persistent.path")
        {
            spec.persistentVolume = PersistentVolumeMount(size: size, path: path)
        }
        if let network = mounts["network"] {
            guard let items = network.array else {
                check.fail("$.mounts.network", "expected array, but got \(network.typeName)")
                return false
            }
            if items.count > 1 {
                check.fail("$.mounts.network", "must have at most 1 items, but got \(items.count)")
            }
            for (index, item) in items.enumerated() {
                let path = "$.mounts.network[\(index)]"
                guard
                    let fields = check.object(
                        item, at: path, allowed: ["volumeId", "path"], required: ["volumeId", "path"]),
                    let volumeId = check.string(fields["volumeId"], at: "\(path).volumeId"),
                    let mountPath = check.string(fields["path"], at: "\(path).path")
                else { continue }
                spec.networkVolume = spec.networkVolume ?? NetworkVolumeMount(volumeId: volumeId, path: mountPath)
            }
        }
        return mounts["persistent"] != nil && !(mounts["network"]?.array?.isEmpty ?? true)
    }

    /// `22/tcp`, `8888/http`.
    static func isPort(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1] == "tcp" || parts[1] == "http",
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(parts[0])
        else { return false }
        return (1...65535).contains(number)
    }
}
