import RunPodAPI
import Synchronization
import TestSupport

@testable import Autoscaler

/// Forwards every call to `base`; after `holdCreates()` it holds creates until
/// `release` opens, so a test can look at the process while a create is in flight.
final class HeldCreates: PodProvider {
    let base: any PodProvider
    /// Opened when the first held create arrives.
    let createStarted = Gate()
    let release = Gate()
    private let holding = Mutex(false)

    init(base: any PodProvider) {
        self.base = base
    }

    func holdCreates() {
        holding.withLock { $0 = true }
    }

    func listPods() async throws(RunPodError) -> [RunPodPod] { try await base.listPods() }

    func createPod(_ spec: CreatePodSpec) async throws(RunPodError) -> RunPodPod {
        if holding.withLock({ $0 }) {
            createStarted.open()
            await release.wait()
        }
        return try await base.createPod(spec)
    }

    func deletePod(id: String) async throws(RunPodError) { try await base.deletePod(id: id) }

    func gpuTypes() async throws(RunPodError) -> [RunPodGPUType] { try await base.gpuTypes() }
}
