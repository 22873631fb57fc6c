import ArgumentParser
import Autoscaler
import CurlHTTP
import Foundation
import RunPodAPI
import ScalingPolicy

/// `pods`: the pools' RunPod pods as a table.
struct PodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pods", abstract: "List the pools' RunPod pods: id, pool, gpu, cloud, status, $/h, age.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let config = try options.loadConfigOrExit()
        let baseURL = config.runpod.usesEmulator ? "http://\(config.runpod.emulatorListen)" : config.runpod.endpoint
        let http = HTTPClient(configuration: .init(timeout: .seconds(Int64(config.runpod.timeoutSeconds))))
        defer { http.shutdown() }
        let client = RunPodClient(
            baseURL: baseURL, apiKey: config.runpod.apiKey.isEmpty ? "emulator" : config.runpod.apiKey, http: http)
        let pods: [RunPodPod]
        do {
            pods = try await client.listPods()
        } catch {
            FileHandle.standardError.write(Data("runpod-autoscaler: cannot list pods at \(baseURL): \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(PodTable.render(pods, config: config, now: Date()), terminator: "")
    }
}
