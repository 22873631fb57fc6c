import ArgumentParser
import Autoscaler
import Dispatch
import Foundation
import Logging
import RunPodEmulator

/// `emulator`: a RunPod REST v2 emulator (pods, actions, GPU catalog, fault injection) until SIGTERM or SIGINT.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve a RunPod REST v2 emulator with fault injection (admin API under /admin).")

    @Option(
        name: .long,
        help: "host:port to listen on; port 0 picks a free port. [default: the config's, else 127.0.0.1:19080]")
    var listen: String?

    @Option(name: .long, help: "YAML emulator config (listen, apiKey, delays, capacity, prices, faults, ...).")
    var config: String?

    @Option(name: .long, help: "File holding the API key clients must send as a bearer token.")
    var apiKeyFile: String?

    @Option(name: .long, help: "RunPod's quota: /v2 calls per minute, then 429 with Retry-After (0: no limit).")
    var rateLimitPerMinute: Int?

    @Option(name: .long, help: "trace | debug | info | notice | warning | error | critical (debug logs every call).")
    var logLevel: String = "info"

    /// swift-log may be bootstrapped once per process.
    private static let loggingBootstrap: Void = LoggingSystem.bootstrap(StreamLogHandler.standardError)

    func run() async throws {
        let configuration = try loadConfiguration()
        Self.loggingBootstrap
        var logger = Logger(label: "runpod-emulator")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info

        // Signals arrive on a dispatch queue, never on the cooperative pool; installed before
        // binding so an early SIGTERM is not lost.
        let (signals, received) = AsyncStream<Int32>.makeStream()
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "signals")
        let sources = [SIGTERM, SIGINT].map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { received.yield(number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }

        let emulator = RunPodEmulator(configuration: configuration, logger: logger)
        let port: Int
        do {
            port = try await emulator.start()
        } catch {
            logger.critical("cannot start the runpod emulator", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info(
            "runpod emulator listening",
            metadata: ["address": "\(ListenAddress.host(of: configuration.listen)):\(port)"])

        var iterator = signals.makeAsyncIterator()
        let number = await iterator.next() ?? SIGTERM
        logger.info("runpod emulator stopping", metadata: ["signal": "\(number == SIGINT ? "SIGINT" : "SIGTERM")"])
        await emulator.stop()
    }

    /// File, then flags; configuration errors exit 2.
    private func loadConfiguration() throws -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration()
        do {
            if let config {
                guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                    throw ValidationError("\(config): cannot read the config file")
                }
                configuration = try EmulatorConfiguration.load(yaml: text, origin: config)
            }
            if let listen { configuration.listen = listen }
            if let rateLimitPerMinute {
                guard rateLimitPerMinute >= 0 else {
                    throw ValidationError("--rate-limit-per-minute must be at least 0 (0: no limit)")
                }
                configuration.rateLimitPerMinute = rateLimitPerMinute == 0 ? nil : rateLimitPerMinute
            }
            if let apiKeyFile {
                guard let text = try? String(contentsOfFile: apiKeyFile, encoding: .utf8) else {
                    throw ValidationError("\(apiKeyFile): cannot read the API key file")
                }
                let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !key.isEmpty else { throw ValidationError("\(apiKeyFile): the API key file is empty") }
                configuration.apiKey = key
            }
        } catch {
            FileHandle.standardError.write(Data("runpod-autoscaler emulator: invalid configuration: \(error)\n".utf8))
            throw ExitCode(2)
        }
        return configuration
    }

}
