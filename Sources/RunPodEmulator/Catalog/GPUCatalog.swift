/// The GPU types the emulator knows, with their default list prices (USD per GPU-hour, Secure Cloud).
enum GPUCatalog {
    static let clouds = ["SECURE", "COMMUNITY"]

    private static let cuda = ["12.4", "12.6", "12.8"]

    static let gpus: [CatalogGPU] = [
        CatalogGPU(
            id: "NVIDIA RTX 6000 Ada Generation", name: "RTX 6000 Ada", pool: "ADA_48_PRO", memory: 48, maxCount: 8,
            cudaVersions: cuda),
        CatalogGPU(id: "NVIDIA L40S", name: "L40S", pool: "ADA_48_PRO", memory: 48, maxCount: 8, cudaVersions: cuda),
        CatalogGPU(
            id: "NVIDIA A100 80GB PCIe", name: "A100 PCIe", pool: "AMPERE_80", memory: 80, maxCount: 8,
            cudaVersions: cuda),
        CatalogGPU(
            id: "NVIDIA A100-SXM4-80GB", name: "A100 SXM", pool: "AMPERE_80", memory: 80, maxCount: 8,
            cudaVersions: cuda),
        CatalogGPU(
            id: "NVIDIA H100 80GB HBM3", name: "H100 SXM", pool: "ADA_80_PRO", memory: 80, maxCount: 8,
            cudaVersions: cuda),
        CatalogGPU(
            id: "NVIDIA H200", name: "H200 SXM", pool: "HOPPER_141", memory: 141, maxCount: 8, cudaVersions: cuda),
        CatalogGPU(
            id: "NVIDIA GeForce RTX 4090", name: "RTX 4090", pool: "ADA_24", memory: 24, maxCount: 8,
            cudaVersions: cuda),
    ]

    static let defaultPrices: [String: Double] = [
        "NVIDIA RTX 6000 Ada Generation": 0.69,
        "NVIDIA L40S": 0.79,
        "NVIDIA A100 80GB PCIe": 1.39,
        "NVIDIA A100-SXM4-80GB": 1.49,
        "NVIDIA H100 80GB HBM3": 2.69,
        "NVIDIA H200": 3.59,
        "NVIDIA GeForce RTX 4090": 0.59,
    ]

    static let defaultGPUsPerCloud = 16

    static func gpu(_ id: String) -> CatalogGPU? {
        gpus.first { $0.id == id }
    }

    /// Every catalog GPU with `defaultGPUsPerCloud` on each cloud.
    static var defaultCapacity: [String: [String: Int]] {
        Dictionary(
            uniqueKeysWithValues: gpus.map { gpu in
                (gpu.id, Dictionary(uniqueKeysWithValues: clouds.map { ($0, defaultGPUsPerCloud) }))
            })
    }

    /// The per-GPU hourly price on `cloud`: the Secure price, or 0.8 of it rounded to cents on Community.
    static func price(secure: Double, cloud: String) -> Double {
        cloud == "COMMUNITY" ? (secure * 0.8 * 100).rounded() / 100 : secure
    }
}
