/// One line of the report's cost table: a fleet and what it costs.
public struct CostTableRow: Sendable, Equatable, Codable {
    public var label: String
    public var dollarsPerHour: Double
    /// At the table's utilisation.
    public var dollarsPerMonth: Double
    public var note: String

    public init(label: String, dollarsPerHour: Double, dollarsPerMonth: Double, note: String) {
        self.label = label
        self.dollarsPerHour = dollarsPerHour
        self.dollarsPerMonth = dollarsPerMonth
        self.note = note
    }
}
