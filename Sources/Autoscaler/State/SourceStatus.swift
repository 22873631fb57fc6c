import Decisions
import Foundation

/// The demand source's health: its last good reading and last error.
public struct SourceStatus: Sendable, Equatable {
    /// Short name for messages and metric labels: `file`, `prometheus`.
    public var name: String
    /// Where it reads from (a path or URL), for messages.
    public var location: String
    public var lastGood: DemandReading?
    public var lastError: String?

    public init(name: String, location: String, lastGood: DemandReading? = nil, lastError: String? = nil) {
        self.name = name
        self.location = location
        self.lastGood = lastGood
        self.lastError = lastError
    }

    /// The reading to decide on, or why there is none fresh enough.
    public func freshReading(now: Date, staleAfter: Double) -> Result<DemandReading, StaleSource> {
        guard let reading = lastGood else {
            return .failure(StaleSource(source: self, age: nil))
        }
        let age = now.timeIntervalSince(reading.readAt)
        if age > staleAfter { return .failure(StaleSource(source: self, age: age)) }
        return .success(reading)
    }
}
