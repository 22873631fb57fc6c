/// One pool's gauge values, one slot per series of `PoolGaugeFamily.all` (nil: never set, not written).
/// The values and a bit per slot for whether it is set: an array of `Double?` takes twice the room.
struct PoolGaugeRow: Sendable {
    private var values: [Double] = Array(repeating: 0, count: Self.width)
    private var written: UInt64 = 0

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

    static let width: Int = {
        let width = PoolGaugeFamily.all.reduce(0) { $0 + $1.width }
        precondition(width <= UInt64.bitWidth, "a row's set slots are bits of one UInt64")
        return width
    }()

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
        get { self[slot: Self.slot(family, split)] }
        set {
            let slot = Self.slot(family, split)
            if let newValue {
                values[slot] = newValue
                written |= 1 << slot
            } else {
                written &= ~(1 << slot)
            }
        }
    }

    subscript(slot slot: Int) -> Double? { written & (1 << slot) != 0 ? values[slot] : nil }
}
