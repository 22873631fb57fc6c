/// Live-service quirks the emulator can reproduce so clients can be tested against them (all off by default).
public struct EmulatorQuirks: Sendable, Equatable {
    /// Timestamps as Go prints them (`2025-12-16 17:44:56.726 +0000 UTC`) instead of ISO-8601.
    public var goTimestamps: Bool
    /// `cost` as a string (`"0.74"`) instead of a number.
    public var costAsString: Bool

    public init(goTimestamps: Bool = false, costAsString: Bool = false) {
        self.goTimestamps = goTimestamps
        self.costAsString = costAsString
    }
}
