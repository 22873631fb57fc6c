import Foundation
import Logging
import Synchronization

/// A stand-in for RunPod's REST v2 pod API (pods, actions, the GPU catalog) with fault injection.
///
/// The state machine is a plain value (`EmulatorCore`) behind a mutex, driven by the injected
/// clock; this class adds the HTTP server, the log and the delays of `slow` faults.
public final class RunPodEmulator: Sendable {
    let configuration: EmulatorConfiguration
    let logger: Logger
    let now: @Sendable () -> Date
    let sleep: @Sendable (Double) async throws -> Void
    private let core: Mutex<EmulatorCore>
    let server = Mutex<EmulatorServer>(.idle)

    /// - Parameters:
    ///   - now: the clock pod status is computed from.
    ///   - sleep: how a `slow` fault waits (seconds); tests inject one that records instead.
    public init(
        configuration: EmulatorConfiguration, logger: Logger, now: @escaping @Sendable () -> Date = Date.init,
        sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.now = now
        self.sleep = sleep
        self.core = Mutex(EmulatorCore(configuration: configuration))
    }

    /// Adds a fault rule after the ones in force.
    public func addFault(_ rule: FaultRule) {
        _ = core.withLock { $0.addFault(rule) }
    }

    /// Removes every fault rule.
    public func clearFaults() {
        core.withLock { $0.clearFaults() }
    }

    /// Sets how many GPUs of a type a cloud has (pods already placed keep theirs).
    public func setCapacity(gpuTypeId: String, cloud: String, gpus: Int) {
        core.withLock { $0.setCapacity(gpuTypeId: gpuTypeId, cloud: cloud, gpus: gpus) }
    }

    /// Puts a pod into ERROR, as a host failure would; false when there is no such pod.
    @discardableResult
    public func failPod(id: String) -> Bool {
        admin { $0.failPod(id, now: $1) }.status == 204
    }

    /// The pods not terminated, in creation order, with status as of now.
    public var pods: [EmulatedPod] {
        let date = now()
        let (pods, events) = core.withLock { core in
            let events = core.state.advance(to: date)
            return (core.state.pods, events)
        }
        log(events)
        return pods
    }

    /// How many calls each operation has had (including those answered with faults or 401).
    public var callCounts: [EmulatorOperation: Int] {
        core.withLock { $0.callCounts }
    }

    /// How many calls were answered 429 (by the quota or an injected fault).
    public var rateLimitedCount: Int {
        core.withLock { $0.rateLimitedCount }
    }

    /// Answers one API call and logs it.
    func process(_ call: EmulatorCall, method: String, path: String) -> EmulatorReply {
        let date = now()
        let reply = core.withLock { $0.handle(call, now: date) }
        var metadata: Logger.Metadata = [
            "operation": "\(call.operation.rawValue)", "method": "\(method)", "path": "\(path)",
            "status": "\(reply.dropConnection ? "dropped" : String(reply.status))",
        ]
        if let fault = reply.fault { metadata["fault"] = "\(fault.rawValue)" }
        logger.debug("runpod emulator call", metadata: metadata)
        log(reply.events)
        return reply
    }

    /// Runs an admin change on the core and logs what it moved.
    func admin(_ change: (inout EmulatorCore, Date) -> EmulatorReply) -> EmulatorReply {
        let date = now()
        let reply = core.withLock { change(&$0, date) }
        log(reply.events)
        return reply
    }

    func log(_ events: [PodEvent]) {
        for event in events {
            logger.info(
                "runpod emulator pod status",
                metadata: ["pod": "\(event.podId)", "name": "\(event.name)", "status": "\(event.status.rawValue)"])
        }
    }
}
