import Decisions
import Foundation
import KubeClient
import Logging
import Primitives
import SSHTunnel
import Synchronization

/// The attach executor (leader only): keeps an SSH session with its remote port forwards up to every RUNNING
/// pod of a pool with `attach.ssh`, and a Node object per such pod. A thin executor: the pure `TunnelMachine`
/// decides, this class opens and closes sessions, writes nodes and the pools' `status.tunnels`, and feeds
/// what the sessions did back. The key is never logged.
public final class AttachController: Sendable {
    public struct Settings: Sendable {
        /// How often the pods the reconciler last listed are compared with the sessions.
        public var interval: Duration = .seconds(1)
        /// Nodes' Ready condition is re-written this often (a heartbeat), and orphan nodes are collected.
        public var heartbeatSeconds: Double = 20
        /// Whether this replica acts (the leader).
        public var canMutate: @Sendable () -> Bool = { true }
        /// Host keys pinned earlier, by pod id (Kubernetes mode: the pools' `status.tunnels`, as a former leader
        /// wrote them).
        public var pinnedHostKeys: @Sendable () -> [String: String] = { [:] }

        public init() {}
    }

    private enum Input: Sendable {
        case tick
        case tunnel(TunnelEvent)
    }

    private let key: OpenSSHPrivateKey
    private let podSource = Mutex<(@Sendable () -> [PoolID: PoolReconcileStatus])?>(nil)
    private let pools: @Sendable () -> [PoolSpec]
    private let cluster: (any ClusterClient)?
    private let metrics: AutoscalerMetrics?
    private let onEvent: (@Sendable (PoolEvent) -> Void)?
    private let settings: Settings
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let machine = Mutex(TunnelMachine())
    private let sessions = Mutex<[String: Task<Void, Never>]>([:])
    private let inputs: AsyncStream<Input>
    private let sink: AsyncStream<Input>.Continuation
    private let lastSweep = Mutex<Date?>(nil)
    private let writtenTunnels = Mutex<[PoolID: JSONValue]>([:])
    /// Each node's Ready value and when it last changed (the condition's `lastTransitionTime`).
    private let readySince = Mutex<[String: (ready: Bool, at: Date)]>([:])

    /// - Parameters:
    ///   - pools: the pools now (their attach settings).
    ///   - cluster: where the nodes and `status.tunnels` are written (nil: standalone, tunnels only).
    public init(
        key: OpenSSHPrivateKey, pools: @escaping @Sendable () -> [PoolSpec], cluster: (any ClusterClient)?,
        metrics: AutoscalerMetrics?,
        onEvent: (@Sendable (PoolEvent) -> Void)?, settings: Settings, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.key = key
        self.pools = pools
        self.cluster = cluster
        self.metrics = metrics
        self.onEvent = onEvent
        self.settings = settings
        self.logger = logger
        self.now = now
        (inputs, sink) = AsyncStream.makeStream(of: Input.self)
    }

    /// Where the pods come from: the reconciler's last view of each pool (its live pods with their SSH
    /// addresses). Set once, before `run` (the reconciler in turn reads `failedPods`).
    public func readPods(from source: @escaping @Sendable () -> [PoolID: PoolReconcileStatus]) {
        podSource.withLock { $0 = source }
    }

    /// The autoscaler's public key (`ssh-ed25519 AAAA…`), for `env.PUBLIC_KEY`.
    public var publicKey: String { key.authorizedKey }

    /// RUNNING pods whose tunnel failed: the reconciler replaces them.
    public var failedPods: Set<String> { machine.withLock { $0.failed } }

    /// Runs until cancelled; every session closes then.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [sink, settings] in
                while !Task.isCancelled {
                    sink.yield(.tick)
                    try? await Task.sleep(for: settings.interval)
                }
            }
            group.addTask { [self] in
                for await input in inputs {
                    if Task.isCancelled { break }
                    await step(input)
                }
            }
            await group.next()
            group.cancelAll()
        }
        closeAll()
    }

    /// One comparison of the pods with the sessions and nodes, as the loop makes every `interval`. Public for tests.
    public func tick() async {
        await step(.tick)
    }

    private func step(_ input: Input) async {
        guard settings.canMutate() else {
            let actions = machine.withLock { $0.reset() }
            if !actions.isEmpty { logger.info("not the leader: closing every tunnel") }
            await perform(actions)
            return
        }
        let now = self.now()
        let actions: [AttachAction]
        switch input {
        case .tick:
            let specs = Dictionary(pools().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var candidates: [AttachCandidate] = []
            let pods = podSource.withLock { $0 }?() ?? [:]
            for (id, status) in pods {
                guard let spec = specs[id] else { continue }
                candidates += status.pods.map { AttachCandidate(spec: spec, pod: $0) }
            }
            let existing = await sweepNodes(now: now)
            let pinned = settings.pinnedHostKeys()
            actions = machine.withLock { $0.observe(candidates, pinned: pinned, existingNodes: existing, now: now) }
        case .tunnel(let event):
            actions = machine.withLock { $0.handle(event, now: now) }
        }
        await perform(actions)
        await heartbeat(now: now)
        await publish()
    }

    // MARK: Actions

    private func perform(_ actions: [AttachAction]) async {
        for action in actions {
            switch action {
            case .connect(let target): connect(target)
            case .close(let podId): close(podId)
            case .upsertNode(let node): await upsert(node)
            case .deleteNode(let name): await deleteNode(name)
            case .report(let report): record(report)
            }
        }
    }

    private func connect(_ target: TunnelTarget) {
        let key = self.key
        let sink = self.sink
        let podId = target.podId
        // The login is the pool's `attach.user`, not the one RunPod names.
        var endpoint = target.address
        endpoint.username = target.user
        let forwards = target.forwards
        logger.debug("opening tunnel", metadata: ["pod": "\(podId)", "address": "\(target.address)"])
        let task = Task {
            do {
                let session = try await TunnelSession.open(
                    endpoint: endpoint, key: key, pinnedHostKey: target.pinnedHostKey, forwards: forwards,
                    timeoutSeconds: min(target.timeoutSeconds, 30))
                guard !Task.isCancelled else {
                    await session.close()
                    return
                }
                sink.yield(.tunnel(.connected(podId: podId, hostKey: session.hostKey)))
                await withTaskCancellationHandler {
                    await session.closed()
                } onCancel: {
                    session.cancel()
                }
                if !Task.isCancelled { sink.yield(.tunnel(.disconnected(podId: podId, error: "session ended"))) }
            } catch let error as TunnelError where error.isHostKeyChange {
                if !Task.isCancelled {
                    sink.yield(.tunnel(.hostKeyRefused(podId: podId, seen: error.seenHostKey ?? "")))
                }
            } catch {
                if !Task.isCancelled { sink.yield(.tunnel(.disconnected(podId: podId, error: "\(error)"))) }
            }
        }
        let previous = sessions.withLock { sessions in
            defer { sessions[podId] = task }
            return sessions[podId]
        }
        previous?.cancel()
    }

    private func close(_ podId: String) {
        let task = sessions.withLock { $0.removeValue(forKey: podId) }
        if task != nil { logger.info("closing tunnel", metadata: ["pod": "\(podId)"]) }
        task?.cancel()
    }

    private func closeAll() {
        let tasks = sessions.withLock { sessions in
            defer { sessions.removeAll() }
            return Array(sessions.values)
        }
        for task in tasks { task.cancel() }
    }

    private func record(_ report: AttachReport) {
        switch report {
        case .tunnelUp(let pool, let podId, let name):
            logger.info("tunnel up", metadata: ["pool": "\(pool)", "pod": "\(name)", "podId": "\(podId)"])
            onEvent?(PoolEvent(pool: pool, type: "Normal", reason: "TunnelUp", message: "tunnel to pod \(name) is up"))
        case .tunnelDown(let pool, let podId, let name, let error):
            logger.warning(
                "tunnel down",
                metadata: ["pool": "\(pool)", "pod": "\(name)", "podId": "\(podId)", "error": "\(error)"])
        case .hostKeyPinned(let pool, let podId, let name, let hostKey):
            logger.info(
                "host key pinned",
                metadata: ["pool": "\(pool)", "pod": "\(name)", "podId": "\(podId)", "hostKey": "\(hostKey)"])
        case .hostKeyRefused(let pool, let podId, let name):
            logger.error(
                "host key changed: refused", metadata: ["pool": "\(pool)", "pod": "\(name)", "podId": "\(podId)"])
            metrics?.recordTunnelFailure(pool: pool, reason: "host_key_changed")
            onEvent?(
                PoolEvent(
                    pool: pool, type: "Warning", reason: "HostKeyChanged",
                    message: "pod \(name) showed a host key other than the pinned one; refused"))
        case .tunnelFailed(let pool, let podId, let name, let reason):
            logger.error(
                "tunnel failed: the pod counts as failed",
                metadata: ["pool": "\(pool)", "pod": "\(name)", "podId": "\(podId)", "reason": "\(reason)"])
            metrics?.recordTunnelFailure(pool: pool, reason: "timeout")
            onEvent?(
                PoolEvent(
                    pool: pool, type: "Warning", reason: "TunnelFailed", message: "pod \(name): tunnel \(reason)"))
        }
    }

    // MARK: Nodes

    private func upsert(_ node: AttachNode) async {
        guard let cluster else { return }
        var path = ResourcePath.nodes
        path.name = node.name
        do {
            do {
                _ = try await cluster.mergePatch(path, node.object)
            } catch let error where error.kind == .notFound {
                _ = try await cluster.create(.nodes, node.object)
                logger.info("node created", metadata: ["node": "\(node.name)", "pool": "\(node.pool)"])
            }
            var statusPath = path
            statusPath.subresource = "status"
            _ = try await cluster.mergePatch(statusPath, ["status": status(of: node, now: now())])
        } catch {
            logger.warning("cannot write node", metadata: ["node": "\(node.name)", "error": "\(error)"])
        }
    }

    private func status(of node: AttachNode, now: Date) -> JSONValue {
        let since = readySince.withLock { since in
            if let last = since[node.name], last.ready == node.ready { return last.at }
            since[node.name] = (node.ready, now)
            return now
        }
        return node.status(now: now, transitionAt: since)
    }

    private func deleteNode(_ name: String) async {
        readySince.withLock { _ = $0.removeValue(forKey: name) }
        guard let cluster else { return }
        var path = ResourcePath.nodes
        path.name = name
        do {
            try await cluster.delete(path)
            logger.info("node deleted", metadata: ["node": "\(name)"])
        } catch let error where error.kind == .notFound {
            return
        } catch {
            logger.warning("cannot delete node", metadata: ["node": "\(name)", "error": "\(error)"])
        }
    }

    /// The names of the nodes with our pool label, every `heartbeatSeconds` (nil in between).
    private func sweepNodes(now: Date) async -> [String]? {
        guard let cluster else { return nil }
        let due = lastSweep.withLock { last in
            guard last.map({ now.timeIntervalSince($0) >= settings.heartbeatSeconds }) ?? true else { return false }
            last = now
            return true
        }
        guard due else { return nil }
        do {
            let list = try await cluster.list(.nodes, labelSelector: AttachNode.poolLabel, fieldSelector: nil)
            return list.items.compactMap { $0["metadata"]["name"].string }
        } catch {
            logger.warning("cannot list attach nodes", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Re-writes every node's status when the sweep ran (the node heartbeat the node controller expects).
    private func heartbeat(now: Date) async {
        guard let cluster else { return }
        guard lastSweep.withLock({ $0 == now }) else { return }
        for node in machine.withLock({ Array($0.nodes.values) }) {
            var path = ResourcePath.nodes
            path.name = node.name
            path.subresource = "status"
            _ = try? await cluster.mergePatch(path, ["status": status(of: node, now: now)])
        }
    }

    // MARK: Status and metrics

    private func publish() async {
        let (records, counts) = machine.withLock { ($0.records, $0.counts()) }
        for pool in pools() where pool.template.attach.ssh {
            metrics?.setTunnels(pool: pool.id, counts: counts[pool.id] ?? [:])
        }
        guard let cluster else { return }
        var byPool: [PoolID: [TunnelRecord]] = [:]
        for record in records.values { byPool[record.pool, default: []].append(record) }
        for pool in pools() where pool.template.attach.ssh {
            let tunnels = JSONValue.array(
                (byPool[pool.id] ?? []).sorted { $0.podId < $1.podId }.map(Self.document))
            if writtenTunnels.withLock({ $0[pool.id] }) == tunnels { continue }
            var path = ResourcePath.runPodPools(namespace: pool.id.namespace)
            path.name = pool.id.name
            path.subresource = "status"
            do {
                _ = try await cluster.mergePatch(path, ["status": ["tunnels": tunnels]])
                writtenTunnels.withLock { $0[pool.id] = tunnels }
            } catch {
                logger.warning("cannot write tunnel status", metadata: ["pool": "\(pool.id)", "error": "\(error)"])
            }
        }
    }

    private static func document(_ record: TunnelRecord) -> JSONValue {
        var object: [String: JSONValue] = [
            "podId": .string(record.podId), "name": .string(record.podName), "state": .string(record.phase.rawValue),
        ]
        if let hostKey = record.hostKey { object["hostKey"] = .string(hostKey) }
        if record.hostKeyRefused { object["hostKeyRefused"] = true }
        if let error = record.lastError, record.phase != .up { object["error"] = .string(error) }
        return .object(object)
    }
}
