import Foundation
import Logging

/// Reads the demand source every `pollSeconds`, and at once when its change
/// token moves, and publishes each result to the store.
public struct DemandObserver: Sendable {
    public let source: any DemandSource
    public let store: ScalerStateStore
    public let pollSeconds: Double
    /// How often the change token is looked at.
    public let watchInterval: Duration
    public let logger: Logger
    /// Runs once when the first reading is done, whether it worked or not (`serve` counts it as a
    /// start-up milestone, `StartupSettling`).
    public let afterFirstReading: @Sendable () -> Void

    public init(
        source: any DemandSource, store: ScalerStateStore, pollSeconds: Double,
        watchInterval: Duration = .milliseconds(200), logger: Logger,
        afterFirstReading: @escaping @Sendable () -> Void = {}
    ) {
        self.source = source
        self.store = store
        self.pollSeconds = pollSeconds
        self.watchInterval = watchInterval
        self.logger = logger
        self.afterFirstReading = afterFirstReading
    }

    /// Runs until the task is cancelled.
    public func run() async {
        var lastToken: String?
        var lastRead = Date.distantPast
        var lastError: String?
        var firstReadingDone = false
        while !Task.isCancelled {
            let token = source.changeToken()
            let now = Date()
            if token != lastToken || now.timeIntervalSince(lastRead) >= pollSeconds {
                lastToken = token
                lastRead = now
                do {
                    let reading = try await source.read(now: now)
                    if lastError != nil {
                        logger.info("demand source recovered", metadata: ["source": "\(source.name)"])
                    }
                    lastError = nil
                    store.update(now: now) { inputs in
                        inputs.demand.lastGood = reading
                        inputs.demand.lastError = nil
                    }
                } catch {
                    let message = "\(error)"
                    if message != lastError {
                        logger.warning(
                            "demand source failed", metadata: ["source": "\(source.name)", "error": "\(message)"])
                    }
                    lastError = message
                    store.update(now: now) { $0.demand.lastError = message }
                }
                if !firstReadingDone {
                    firstReadingDone = true
                    afterFirstReading()
                }
            }
            try? await Task.sleep(for: watchInterval)
        }
    }
}
