import Foundation

extension EmulatorCore {
    /// The price of a pod: the GPU's price on its cloud × the count, to a hundredth of a cent.
    func pricePerHour(_ spec: PodSpec) -> Double {
        let each = GPUCatalog.price(secure: prices[spec.gpuTypeId] ?? 0, cloud: spec.cloud)
        return (each * Double(spec.gpuCount) * 10_000).rounded() / 10_000
    }

    mutating func create(_ body: [UInt8], now: Date) throws(Problem) -> EmulatorReply {
        let spec = try CreatePodValidator.validate(body)
        let noCapacity = Problem.noCapacity(legacy: legacyNoCapacityErrors)
        guard let gpu = GPUCatalog.gpu(spec.gpuTypeId), spec.gpuCount <= gpu.maxCount,
            let cuda = CudaVersion.pick(
                offered: gpu.cudaVersions, allowed: spec.allowedCudaVersions, minimum: spec.minCudaVersion)
        else { throw noCapacity }
        // A network volume lives in one data center: the first one listed is where the pod goes.
        let dataCenterId = spec.dataCenterIds.first ?? DataCenter.defaultPlacement.id
        guard
            let created = state.create(
                spec, pricePerHour: pricePerHour(spec), dataCenterId: dataCenterId, cudaVersion: cuda, now: now)
        else { throw noCapacity }
        var reply = EmulatorReply.json(201, renderer.render(created.pod, now: now))
        reply.events = created.events
        return reply
    }

    mutating func perform(_ action: EmulatedPodAction, podId: String, now: Date) throws(Problem) -> EmulatorReply {
        switch state.perform(action, podId: podId, now: now) {
        case .notFound:
            throw Problem.podNotFound
        case .notAllowed(let status):
            throw Problem.notAllowed(action, status: status)
        case .updated(let pod, let events):
            var reply = EmulatorReply.json(200, renderer.render(pod, now: now))
            reply.events = events
            return reply
        case .terminated(let event):
            var reply = EmulatorReply.noContent
            reply.events = [event]
            return reply
        }
    }
}
