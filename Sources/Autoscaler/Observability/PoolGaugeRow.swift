/// One pool's gauge values, one slot per series of `PoolGaugeFamily.all` (nil: never set, not written).
struct PoolGaugeRow: Sendable {
    private var values: [Double?] = Array(repeating: nil, count: Self.width)

    /// Where each family's series start in a row, by family name.
    static let offsets: [String: Int] = {
        var offsets: [String: Int] = [:]
        var next = 0
        for family in PoolGaugeFamily.all {
            offsets[family.name] = next
            next += family.width
        }
        return offsets
    }()

    static let width = PoolGaugeFamily.all.reduce(0) { $0 + $1.width }

    /// The slot of `family`'s series for `split` (the second label's value; nil for a family without one).
    static func slot(_ family: String, _ split: String?) -> Int {
        guard let offset = offsets[family] else { preconditionFailure("no pool gauge family \(family)") }
        guard let split else { return offset }
        let values = PoolGaugeFamily.all.first { $0.name == family }?.split?.values ?? []
        guard let index = values.firstIndex(of: split) else {
            preconditionFailure("\(family) has no series \(split)")
        }
        return offset + index
    }

    subscript(family: String, split: String? = nil) -> Double? {
        get { values[Self.slot(family, split)] }
        set { values[Self.slot(family, split)] = newValue }
    }

    subscript(slot slot: Int) -> Double? { values[slot] }
}
