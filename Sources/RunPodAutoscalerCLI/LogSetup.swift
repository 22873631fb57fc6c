import Autoscaler
import Logging

/// Bootstraps swift-log once, from the config's level and format.
enum LogSetup {
    static func bootstrap(level: String, format: String) -> Logger {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        return Logger(label: "runpod-autoscaler")
    }
}
