import Foundation

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
}
