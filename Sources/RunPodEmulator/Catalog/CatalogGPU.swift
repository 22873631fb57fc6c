/// One GPU type of the emulator's catalog (the fixed facts; prices and stock come from the configuration).
struct CatalogGPU: Sendable, Equatable {
    /// The exact RunPod id, e.g. `NVIDIA L40S`.
    let id: String
    /// The display name, e.g. `L40S`.
    let name: String
    /// The serverless pool id.
    let pool: String?
    /// VRAM in GB.
    let memory: Int
    /// The most GPUs of this type on one pod, per cloud.
    let maxCount: Int
    /// CUDA versions the hosts report, ascending.
    let cudaVersions: [String]
}
