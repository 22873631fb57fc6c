import ArgumentParser
import Autoscaler
import Decisions
import Foundation
import KubeClient

/// The pools that exist: the config's, or in Kubernetes mode the RunPodPool objects.
enum KnownPools {
    /// Reads them; a cluster that cannot be read is an error (stderr, exit 1).
    static func read(_ config: AutoscalerConfig, options: CommonOptions) async throws -> [PoolID] {
        do {
            return try await lookup(config, options: options)
        } catch {
            FileHandle.standardError.write(Data("runpod-autoscaler: cannot list RunPodPools: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Reads them, throwing a cluster read failure as is (a bad kubeconfig exits 2).
    static func lookup(_ config: AutoscalerConfig, options: CommonOptions) async throws(KubeError) -> [PoolID] {
        let kube: KubeConfig?
        do {
            kube = try options.kubeConfig(for: config)
        } catch {
            CommonOptions.exitInvalid(
                error as? ConfigError ?? ConfigError(origin: config.origin, key: "kubernetes", reason: "\(error)"))
        }
        guard let kube else { return config.pools.map(\.id) }
        let client = KubeClient(config: kube)
        defer { client.shutdown() }
        return try await client.list(.runPodPools(namespace: nil)).items.compactMap { object in
            guard let name = object["metadata"]["name"].string,
                let namespace = object["metadata"]["namespace"].string
            else { return nil }
            return PoolID(namespace: namespace, name: name)
        }
    }
}
