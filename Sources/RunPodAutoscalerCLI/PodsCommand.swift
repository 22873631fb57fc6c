import ArgumentParser
import Autoscaler
import CurlHTTP
import Decisions
import Foundation
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
            PodTable.render(
                pods, prefix: config.runpod.podNamePrefix, pools: try await KnownPools.read(config, options: options),
                now: Date()),
            terminator: "")
    }
}
