import RunPodAPI

/// The RunPod calls the reconciler makes; `RunPodClient` in production, a
/// recording fake in tests.
public protocol PodProvider: Sendable {
    func listPods() async throws(RunPodError) -> [RunPodPod]
    func createPod(_ spec: CreatePodSpec) async throws(RunPodError) -> RunPodPod
    func deletePod(id: String) async throws(RunPodError)
    func gpuTypes() async throws(RunPodError) -> [RunPodGPUType]
    /// The rate-limit headers of the latest answer that had them (nil: the service sends none).
    var rateLimit: RunPodRateLimit? { get }
}

extension PodProvider {
    public var rateLimit: RunPodRateLimit? { nil }
}

extension RunPodClient: PodProvider {}
