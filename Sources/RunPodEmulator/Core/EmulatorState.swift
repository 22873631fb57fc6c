import Foundation
import Primitives

/// The emulator's pods and GPU stock: a plain value driven by the times it is given.
///
/// Status is stored, and `advance(to:)` moves every pod through PROVISIONING → STARTING → RUNNING
/// as the configured delays pass, so any call can compute "now" from an injected clock.
struct EmulatorState: Sendable {
    /// Pods not yet terminated, in creation order.
    private(set) var pods: [EmulatedPod] = []
    /// gpuTypeId → cloud → GPUs.
    var capacity: [String: [String: Int]]
    let provisioningSeconds: Double
    let startingSeconds: Double
    private var ids: SplitMix64

    init(capacity: [String: [String: Int]], provisioningSeconds: Double, startingSeconds: Double, seed: UInt64) {
        self.capacity = capacity
        self.provisioningSeconds = provisioningSeconds
        self.startingSeconds = startingSeconds
        self.ids = SplitMix64(seed: seed)
    }

    func pod(_ id: String) -> EmulatedPod? {
        pods.first { $0.id == id }
    }

    /// GPUs of this type and cloud held by pods (every pod not TERMINATED holds its GPUs).
    func used(gpuTypeId: String, cloud: String) -> Int {
        pods.lazy.filter { $0.gpuTypeId == gpuTypeId && $0.cloud == cloud }.map(\.gpuCount).reduce(0, +)
    }

    func total(gpuTypeId: String, cloud: String) -> Int {
        capacity[gpuTypeId]?[cloud] ?? 0
    }

    func remaining(gpuTypeId: String, cloud: String) -> Int {
        max(0, total(gpuTypeId: gpuTypeId, cloud: cloud) - used(gpuTypeId: gpuTypeId, cloud: cloud))
    }

    /// Moves every pod through the timed transitions that are due by `now`.
    mutating func advance(to now: Date) -> [PodEvent] {
        var events: [PodEvent] = []
        // A static step with the delays as values: a method of `self` called while `pods[index]` is
        // borrowed would copy `self`, and with it the whole pod array once per pod.
        let delays = (provisioning: provisioningSeconds, starting: startingSeconds)
        for index in pods.indices {
            while let event = Self.step(&pods[index], now: now, delays: delays) {
                events.append(event)
            }
        }
        return events
    }

    private static func step(
        _ pod: inout EmulatedPod, now: Date, delays: (provisioning: Double, starting: Double)
    ) -> PodEvent? {
        switch pod.status {
        case .provisioning:
            let due = pod.statusSince.addingTimeInterval(delays.provisioning)
            guard due <= now else { return nil }
            pod.status = .starting
            pod.statusSince = due
        case .starting:
            let due = pod.statusSince.addingTimeInterval(delays.starting)
            guard due <= now else { return nil }
            pod.status = .running
            pod.statusSince = due
            pod.startedAt = due
        default:
            return nil
        }
        return PodEvent(podId: pod.id, name: pod.name, status: pod.status, at: pod.statusSince)
    }

    /// Places a pod if its GPU type and cloud have the GPUs left; `nil` when they do not.
    mutating func create(
        _ spec: PodSpec, pricePerHour: Double, dataCenterId: String, cudaVersion: String, now: Date
    ) -> (pod: EmulatedPod, events: [PodEvent])? {
        guard spec.gpuCount <= remaining(gpuTypeId: spec.gpuTypeId, cloud: spec.cloud) else { return nil }
        let pod = EmulatedPod(
            id: newId(), spec: spec, status: .provisioning, statusSince: now, dataCenterId: dataCenterId,
            cudaVersion: cudaVersion, pricePerHour: pricePerHour, createdAt: now, startedAt: nil)
        pods.append(pod)
        var events = [PodEvent(podId: pod.id, name: pod.name, status: .provisioning, at: now)]
        events += advance(to: now)
        return (self.pod(pod.id) ?? pod, events)
    }

    /// Applies a pod action as RunPod does; terminate removes the pod.
    mutating func perform(_ action: EmulatedPodAction, podId: String, now: Date) -> ActionOutcome {
        guard let index = pods.firstIndex(where: { $0.id == podId }) else { return .notFound }
        let status = pods[index].status
        guard status.actions.contains(action) else { return .notAllowed(status) }
        switch action {
        case .terminate:
            let pod = pods.remove(at: index)
            return .terminated(PodEvent(podId: pod.id, name: pod.name, status: .terminated, at: now))
        case .stop:
            pods[index].status = .exited
        case .start, .restart:
            // A stopped pod keeps its machine, so it skips PROVISIONING.
            pods[index].status = .starting
        }
        pods[index].statusSince = now
        var events = [PodEvent(podId: podId, name: pods[index].name, status: pods[index].status, at: now)]
        events += advance(to: now)
        return .updated(pods[index], events)
    }

    /// Puts a pod into ERROR (a crash on the host), for tests; `nil` when there is no such pod.
    mutating func fail(podId: String, now: Date) -> PodEvent? {
        guard let index = pods.firstIndex(where: { $0.id == podId }) else { return nil }
        pods[index].status = .error
        pods[index].statusSince = now
        return PodEvent(podId: podId, name: pods[index].name, status: .error, at: now)
    }

    /// 14 characters of `[a-z0-9]`, like RunPod's ids.
    private mutating func newId() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        while true {
            let id = String((0..<14).map { _ in alphabet[Int(ids.next() % UInt64(alphabet.count))] })
            if pod(id) == nil { return id }
        }
    }
}
