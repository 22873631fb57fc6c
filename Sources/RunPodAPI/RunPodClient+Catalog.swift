extension RunPodClient {
    /// The GPU types offered for pods, with prices and current availability
    /// (`GET /v2/catalog/gpus?include=AVAILABILITY&product=POD`).
    public func gpuTypes() async throws(RunPodError) -> [RunPodGPUType] {
        let response = try await send(
            .catalog, method: "GET", path: "/v2/catalog/gpus?include=AVAILABILITY&product=POD")
        return try decode(GPUCatalogDocument.self, from: response, .catalog).gpus.map(\.gpuType)
    }
}
