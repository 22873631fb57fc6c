import Foundation
import Logging
import RunPodEmulator
import ServiceLifecycle

/// The in-process RunPod emulator (`runpod.endpoint: emulator`). It binds
/// before the group runs, so the reconciler knows its port; as a `Service`
/// it keeps serving until the group shuts down, then stops.
struct EmbeddedEmulator: Service, CustomStringConvertible {
    let emulator: RunPodEmulator
    let port: Int
    var description: String { "RunPodEmulator" }

    /// Starts the emulator when the config asks for it; nil otherwise.
    static func startIfConfigured(_ config: AutoscalerConfig, logger: Logger) async throws -> EmbeddedEmulator? {
        guard config.runpod.usesEmulator else { return nil }
        var emulatorConfig = EmulatorConfiguration()
        if !config.runpod.emulatorConfigFile.isEmpty {
            let path = config.runpod.emulatorConfigFile
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigError(
                    origin: config.origin, key: "runpod.emulator.configFile", reason: "cannot read \(path)")
            }
            emulatorConfig = try EmulatorConfiguration.load(yaml: text, origin: path)
        }
        emulatorConfig.listen = config.runpod.emulatorListen
        let emulator = RunPodEmulator(configuration: emulatorConfig, logger: logger)
        let port = try await emulator.start()
        logger.notice(
            "runpod emulator listening: pods are emulated, nothing is rented",
            metadata: ["address": "\(ListenAddress.host(of: config.runpod.emulatorListen)):\(port)"])
        return EmbeddedEmulator(emulator: emulator, port: port)
    }

    func run() async throws {
        try? await gracefulShutdown()
        await emulator.stop()
    }
}
