import ArgumentParser
import Autoscaler
import CurlHTTP
import Decisions
import Foundation
import KubeClient
import RunPodAPI

/// `pods`: the pools' RunPod pods as a table.
struct PodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods", abstract: "List the pools' RunPod pods: id, pool, gpu, cloud, status, $/h, age.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config = try options.loadConfigOrExit()
        let runpod = RunPodConnection(config: config)
        defer { runpod.shutdown() }
        let pods: [RunPodPod]
        do {
            pods = try await runpod.client.listPods()
        } catch {
            FileHandle.standardError.write(
                Data("runpod-autoscaler: cannot list pods at \(runpod.baseURL): \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(
            PodTable.render(pods, prefix: config.runpod.podNamePrefix, pools: try await poolIDs(config), now: Date()),
            terminator: "")
    }

    /// The config's pools, or in Kubernetes mode the RunPodPool objects.
    private func poolIDs(_ config: AutoscalerConfig) async throws -> [PoolID] {
        let kube: KubeConfig?
        do {
            kube = try options.kubeConfig(for: config)
        } catch let error as ConfigError {
            CommonOptions.exitInvalid(error)
        }
        guard let kube else { return config.pools.map(\.id) }
        let client = KubeClient(config: kube)
        defer { client.shutdown() }
        do {
            return try await client.list(.runPodPools(namespace: nil)).items.compactMap { object in
                guard let name = object["metadata"]["name"].string,
                    let namespace = object["metadata"]["namespace"].string
                else { return nil }
                return PoolID(namespace: namespace, name: name)
            }
        } catch {
            FileHandle.standardError.write(Data("runpod-autoscaler: cannot list RunPodPools: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
