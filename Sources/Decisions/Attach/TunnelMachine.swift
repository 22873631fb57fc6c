import Foundation

/// Which pods of attached pools need a tunnel and a Node, as a pure machine: the executor feeds the pods each
/// list shows (`observe`) and what its sessions did (`handle`), with the time; the machine answers with actions
/// (connect, close, upsert or delete a node, report). A pod whose tunnel is not up within
/// `attach.timeoutSeconds` lands in `failed`, which the reconciler treats as a failed pod and replaces.
public struct TunnelMachine: Sendable {
    public struct Settings: Sendable, Equatable {
        /// The first retry after a failed attempt comes this much later; each further one doubles it.
        public var initialBackoffSeconds: Double = 1
        public var maxBackoffSeconds: Double = 30

        public init() {}
    }

    public let settings: Settings
    /// Every pod of an attached pool that is RUNNING in the last list, by pod id.
    public private(set) var records: [String: TunnelRecord] = [:]
    /// The nodes as last written, by node name.
    public private(set) var nodes: [String: AttachNode] = [:]
    /// Pods whose tunnel failed: the reconciler terminates them (reason `failed`) and creates replacements.
    public private(set) var failed: Set<String> = []

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Takes the pods of the last list (every pool; pods of pools without `attach.ssh` are ignored), the host keys
    /// pinned earlier (by a former leader, from the pools' status: a pod seen for the first time starts with its
    /// pin) and, when the executor listed them, the names of the nodes that carry our pool label (orphans among
    /// them are deleted).
    public mutating func observe(
        _ candidates: [AttachCandidate], pinned: [String: String] = [:], existingNodes: [String]? = nil, now: Date
    ) -> [AttachAction] {
        var actions: [AttachAction] = []
        var running = Set<String>()
        var wanted: [String: AttachNode] = [:]
        for candidate in candidates where candidate.spec.template.attach.ssh && candidate.pod.phase == .running {
            let pod = candidate.pod
            let attach = candidate.spec.template.attach
            running.insert(pod.id)
            var record =
                records[pod.id]
                ?? TunnelRecord(
                    pool: candidate.spec.id, podId: pod.id, podName: pod.name, phase: .waiting, notUpSince: now)
            if records[pod.id] == nil { record.hostKey = pinned[pod.id] }
            if record.phase == .failed {
                records[pod.id] = record
                continue
            }
            if record.phase != .up, now.timeIntervalSince(record.notUpSince) >= attach.timeoutSeconds {
                let reason =
                    record.hostKeyRefused
                    ? "host key changed and refused"
                    : pod.sshAddress == nil
                        ? "no direct SSH address (is 22/tcp exposed?)" : (record.lastError ?? "tunnel not up")
                record.phase = .failed
                failed.insert(pod.id)
                actions.append(.close(podId: pod.id))
                actions.append(
                    .report(
                        .tunnelFailed(
                            pool: record.pool, podId: pod.id, name: pod.name,
                            reason: "not up within \(Int(attach.timeoutSeconds)) s: \(reason)")))
                records[pod.id] = record
                continue
            }
            if record.phase == .waiting || record.phase == .down, let address = pod.sshAddress,
                (record.retryAt ?? .distantPast) <= now
            {
                record.phase = .connecting
                actions.append(
                    .connect(
                        TunnelTarget(
                            podId: pod.id, address: address, user: attach.user, pinnedHostKey: record.hostKey,
                            forwards: attach.forwards, timeoutSeconds: attach.timeoutSeconds)))
            }
            records[pod.id] = record
            let node = Self.node(for: record, spec: candidate.spec, pod: pod)
            wanted[node.name] = node
        }
        // Pods that left the list, or stopped running: their sessions close.
        for id in records.keys where !running.contains(id) {
            if records[id]?.phase != .failed { actions.append(.close(podId: id)) }
            records[id] = nil
        }
        failed.formIntersection(running)
        for (name, node) in wanted.sorted(by: { $0.key < $1.key }) where nodes[name] != node {
            nodes[name] = node
            actions.append(.upsertNode(node))
        }
        var deleted = Set<String>()
        for name in nodes.keys.sorted() where wanted[name] == nil {
            nodes[name] = nil
            deleted.insert(name)
            actions.append(.deleteNode(name: name))
        }
        for name in (existingNodes ?? []).sorted() where wanted[name] == nil && !deleted.contains(name) {
            actions.append(.deleteNode(name: name))
        }
        return actions
    }

    /// Feeds back what a session did.
    public mutating func handle(_ event: TunnelEvent, now: Date) -> [AttachAction] {
        let podId: String
        switch event {
        case .connected(let id, _), .disconnected(let id, _), .hostKeyRefused(let id, _): podId = id
        }
        guard var record = records[podId], record.phase != .failed else { return [] }
        var actions: [AttachAction] = []
        switch event {
        case .connected(_, let hostKey):
            if record.hostKey == nil {
                record.hostKey = hostKey
                actions.append(
                    .report(.hostKeyPinned(pool: record.pool, podId: podId, name: record.podName, hostKey: hostKey)))
            }
            record.phase = .up
            record.attempts = 0
            record.retryAt = nil
            record.lastError = nil
            record.hostKeyRefused = false
            actions.append(.report(.tunnelUp(pool: record.pool, podId: podId, name: record.podName)))
        case .disconnected(_, let error):
            actions.append(.report(.tunnelDown(pool: record.pool, podId: podId, name: record.podName, error: error)))
            record = down(record, error: error, now: now)
        case .hostKeyRefused:
            record.hostKeyRefused = true
            actions.append(.report(.hostKeyRefused(pool: record.pool, podId: podId, name: record.podName)))
            record = down(record, error: "host key changed: refused", now: now)
        }
        records[podId] = record
        let name = AttachNode.name(forPod: podId)
        if var node = nodes[name] {
            node.ready = record.phase == .up
            node.reason = Self.reason(record)
            if nodes[name] != node {
                nodes[name] = node
                actions.append(.upsertNode(node))
            }
        }
        return actions
    }

    /// Leadership lost: every session closes and the machine forgets them (the next leader takes over the nodes).
    public mutating func reset() -> [AttachAction] {
        let actions = records.keys.sorted().map { AttachAction.close(podId: $0) }
        records = [:]
        nodes = [:]
        failed = []
        return actions
    }

    /// The number of tunnels in each phase, per pool.
    public func counts() -> [PoolID: [TunnelPhase: Int]] {
        var counts: [PoolID: [TunnelPhase: Int]] = [:]
        for record in records.values { counts[record.pool, default: [:]][record.phase, default: 0] += 1 }
        return counts
    }

    private func down(_ record: TunnelRecord, error: String, now: Date) -> TunnelRecord {
        var record = record
        if record.phase == .up { record.notUpSince = now }
        record.phase = .down
        record.attempts += 1
        let backoff = min(
            settings.maxBackoffSeconds,
            settings.initialBackoffSeconds * pow(2, Double(min(record.attempts - 1, 16))))
        record.retryAt = now.addingTimeInterval(backoff)
        record.lastError = error
        return record
    }

    private static func node(for record: TunnelRecord, spec: PoolSpec, pod: ObservedPod) -> AttachNode {
        AttachNode(
            name: AttachNode.name(forPod: pod.id), pool: spec.id, podId: pod.id,
            gpuTypeId: pod.offering?.gpuTypeId ?? spec.template.gpuTypeIds.first ?? "",
            gpuCount: spec.template.gpuCount,
            ready: record.phase == .up, reason: reason(record))
    }

    private static func reason(_ record: TunnelRecord) -> String {
        switch record.phase {
        case .up: "pod RUNNING, tunnel up"
        case .waiting: "pod RUNNING, waiting for its SSH address"
        case .connecting: "pod RUNNING, tunnel connecting"
        case .down: "pod RUNNING, tunnel down: \(record.lastError ?? "unknown")"
        case .failed: "tunnel failed"
        }
    }
}
