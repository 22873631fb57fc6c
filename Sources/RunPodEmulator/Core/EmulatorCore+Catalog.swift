import Primitives

extension EmulatorCore {
    /// `ListGpuTypesResponse`: every catalog GPU with prices, and with availability when asked.
    func catalog(_ query: CatalogQuery) -> JSONValue {
        .object(["gpus": .array(GPUCatalog.gpus.compactMap { gpuType($0, query: query) })])
    }

    private func gpuType(_ gpu: CatalogGPU, query: CatalogQuery) -> JSONValue? {
        let secure = prices[gpu.id] ?? 0
        var object: [String: JSONValue] = [
            "id": .string(gpu.id),
            "name": .string(gpu.name),
            "pool": gpu.pool.map(JSONValue.string) ?? .null,
            "manufacturer": .string("NVIDIA"),
            "memory": .int(gpu.memory),
            // Offered on both clouds; whether any are free is `availability`'s business.
            "secure": .bool(true),
            "community": .bool(true),
            "price": .object([
                "secure": .double(secure),
                "community": .double(GPUCatalog.price(secure: secure, cloud: "COMMUNITY")),
            ]),
            "maxCount": .object(["secure": .int(gpu.maxCount), "community": .int(gpu.maxCount)]),
        ]
        guard query.includeAvailability else { return .object(object) }

        let dataCenters = DataCenter.all.filter { query.countryCodes?.contains($0.countryCode) ?? true }
        // A GPU type with no data center in the requested countries drops out of the list.
        guard !dataCenters.isEmpty else { return nil }
        let remaining = state.remaining(gpuTypeId: gpu.id, cloud: query.cloud)
        let fits = query.count <= gpu.maxCount && remaining >= query.count
        let versions = gpu.cudaVersions.filter { version in
            (query.cudaVersions?.contains(version) ?? true)
                && CudaVersion.accepts(version, allowed: [], minimum: query.minCudaVersion)
        }
        let level = fits && !versions.isEmpty ? AvailabilityLevel(remaining: remaining, count: query.count) : .none
        object["availability"] = .string(level.rawValue)
        if level != .none {
            object["dataCenters"] = .array(
                dataCenters.map { center in
                    .object([
                        "id": .string(center.id), "name": .string(center.name), "availability": .string(level.rawValue),
                    ])
                })
        }
        if !versions.isEmpty {
            object["cudaVersions"] = .array(
                versions.map { .object(["version": .string($0), "available": .bool(fits)]) })
        }
        return .object(object)
    }
}
