import CurlHTTP
import Foundation
import RunPodAPI

/// One-shot reads of the configured sources, for `check`.
public enum SourceProbe {
    public struct Result: Sendable {
        public var ok: Bool
        public var detail: String
    }

    public static func demand(_ config: AutoscalerConfig) async -> Result {
        do {
            let source = try ScalerRuntime.makeDemandSource(config)
            let reading = try await source.read(now: Date())
            return Result(
                ok: true,
                detail:
                    "\(source.name) \(source.location): queueDepth \(reading.queueDepth), latencyP95Seconds \(reading.latencyP95Seconds)"
            )
        } catch {
            return Result(ok: false, detail: "\(error)")
        }
    }

    /// Lists pods with the configured key (never printed). The in-process
    /// emulator only exists inside `serve`, so it is not probed.
    public static func runpod(_ config: AutoscalerConfig) async -> Result {
        if config.runpod.usesEmulator {
            return Result(ok: true, detail: "the built-in emulator (started by serve; nothing to probe)")
        }
        let runpod = RunPodConnection(config: config)
        defer { runpod.shutdown() }
        do {
            let pods = try await runpod.client.listPods()
            let prefix = config.runpod.podNamePrefix + "-"
            let ours = pods.filter { $0.name.hasPrefix(prefix) }.count
            return Result(
                ok: true, detail: "\(config.runpod.endpoint): key accepted, \(pods.count) pods (\(ours) ours)")
        } catch {
            return Result(ok: false, detail: "\(config.runpod.endpoint): \(error)")
        }
    }
}
