import CurlHTTP
import RunPodAPI

/// The one way `serve`, `pods` and `check` reach RunPod: the client, the
/// address it calls and the HTTP client it owns (shut down with `shutdown()`).
public struct RunPodConnection: Sendable {
    public let client: RunPodClient
    /// The RunPod API or emulator base URL, for messages.
    public let baseURL: String
    private let http: HTTPClient

    /// - Parameters:
    ///   - emulatorPort: the port the in-process emulator bound (serve); without
    ///     it the emulator is reached at `runpod.emulator.listen`.
    ///   - metrics: counts every request, when given.
    public init(config: AutoscalerConfig, emulatorPort: Int? = nil, metrics: AutoscalerMetrics? = nil) {
        let runpod = config.runpod
        if runpod.usesEmulator {
            let host = ListenAddress.dialHost(of: runpod.emulatorListen)
            let port = emulatorPort.map(String.init) ?? String(ListenAddress.port(of: runpod.emulatorListen))
            baseURL = "http://\(host):\(port)"
        } else {
            baseURL = runpod.endpoint
        }
        // Fractions count: 0.5 s stays 500 ms.
        http = HTTPClient(configuration: .init(timeout: .milliseconds(Int64(runpod.timeoutSeconds * 1000))))
        client = RunPodClient(
            baseURL: baseURL, apiKey: runpod.usesEmulator && runpod.apiKey.isEmpty ? "emulator" : runpod.apiKey,
            http: http,
            onRequest: { operation, code, seconds in
                metrics?.recordRunPodRequest(operation: operation, code: code, seconds: seconds)
            })
    }

    /// Stops the HTTP client's transfer threads.
    public func shutdown() {
        http.shutdown()
    }
}
