import ArgumentParser
import Autoscaler
import Decisions
import Foundation
import KubeClient

/// `drain`: terminate our RunPod pods (all, or one pool's) and wait until RunPod no longer lists them: the
/// rollback that leaves nothing billing.
struct DrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain",
        abstract: "Terminate the autoscaler's RunPod pods (all, or one pool's) and wait until they are gone.",
        discussion: """
            Pods are ours by name (<podNamePrefix>-<namespace>-<pool>-<8 characters>); no other pod is touched. \
            Failed terminates are retried with backoff, a 429 pauses for its Retry-After, and RunPod's list is \
            read until it shows none of the pods, for at most --timeout seconds. One line per pod (id, name, \
            pool, $/h, result) and a summary go to stdout, retries to stderr. Stop the autoscaler first \
            (a running leader re-creates what its pools ask for): see docs/OPERATIONS.md.

            Exit codes:
              0  every selected pod is gone (or there was none); --dry-run: listed
              1  the timeout passed with pods still listed (their lines say why)
              2  invalid configuration or arguments
              3  RunPod refused the key (401/402/403), or never listed before the timeout
            """)

    @OptionGroup var options: CommonOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only this pool's pods: NAMESPACE/NAME, or NAME (with --namespace, or alone when one known pool has that name).",
            valueName: "pool"))
    var pool: String?

    @Option(name: .long, help: "The namespace of --pool NAME.")
    var namespace: String?

    @Flag(name: .long, help: "List what would be terminated; send nothing.")
    var dryRun = false

    @Option(name: .long, help: "Give up after this many seconds.")
    var timeout: Double = 300

    func run() async throws {
        // Checked here, not in validate(): every invalid argument exits 2, as a bad config does.
        guard timeout > 0, timeout.isFinite else { invalid("--timeout must be more than 0 seconds") }
        if namespace != nil && pool == nil { invalid("--namespace needs --pool") }
        let config = try options.loadConfigOrExit()
        let (pools, poolsError) = await knownPools(config)
        let selection = resolve(pools: pools, poolsError: poolsError)
        if let poolsError {
            warn("cannot list RunPodPools (\(poolsError)): pool names are not shown")
        }

        let runpod = RunPodConnection(config: config)
        defer { runpod.shutdown() }
        var settings = DrainMachine.Settings(
            naming: PodNaming(prefix: config.runpod.podNamePrefix), selection: selection)
        settings.pools = pools
        settings.dryRun = dryRun
        settings.timeoutSeconds = timeout
        warn(
            "\(dryRun ? "dry run: listing" : "draining") \(selection) named \(config.runpod.podNamePrefix)-* at "
                + "\(runpod.baseURL)")
        let drainer = PodDrainer(provider: runpod.client, progress: { warn($0) })
        let (outcome, targets) = await drainer.run(settings)
        print(
            DrainReport.render(targets, outcome: outcome, dryRun: dryRun, poolsKnown: poolsError == nil), terminator: ""
        )
        switch outcome {
        case .drained, .dryRun: return
        case .timedOut: throw ExitCode(1)
        case .refused, .unreachable: throw ExitCode(3)
        }
    }

    /// The pools that exist, and why they could not be read (Kubernetes mode).
    private func knownPools(_ config: AutoscalerConfig) async -> ([PoolID], KubeError?) {
        do {
            return (try await KnownPools.lookup(config, options: options), nil)
        } catch {
            return ([], error)
        }
    }

    /// `--pool` as a pool id; a name that matches no known pool, or several, exits 2.
    private func resolve(pools: [PoolID], poolsError: KubeError?) -> DrainSelection {
        guard let pool else { return .all }
        if let slash = pool.firstIndex(of: "/") {
            let id = PoolID(namespace: String(pool[..<slash]), name: String(pool[pool.index(after: slash)...]))
            guard !id.namespace.isEmpty, !id.name.isEmpty, namespace == nil || namespace == id.namespace else {
                invalid("--pool \(pool): expected NAMESPACE/NAME (agreeing with --namespace)")
            }
            return .pool(id)
        }
        if let namespace { return .pool(PoolID(namespace: namespace, name: pool)) }
        if let poolsError { invalid("cannot list RunPodPools (\(poolsError)): give --pool NAMESPACE/NAME") }
        let matches = pools.filter { $0.name == pool }
        guard matches.count == 1 else {
            let known = pools.map(\.description).joined(separator: ", ")
            invalid(
                matches.isEmpty
                    ? "no pool named \(pool) (known: \(known.isEmpty ? "none" : known)); give NAMESPACE/NAME"
                    : "several pools are named \(pool) (\(matches.map(\.description).joined(separator: ", "))): "
                        + "give NAMESPACE/NAME")
        }
        return .pool(matches[0])
    }

    private func invalid(_ message: String) -> Never {
        warn(message)
        Foundation.exit(2)
    }
}

/// A line on stderr, prefixed like every message of the binary.
private func warn(_ message: String) {
    FileHandle.standardError.write(Data("runpod-autoscaler drain: \(message)\n".utf8))
}
