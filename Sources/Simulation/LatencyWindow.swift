/// Finished jobs' latencies as a Prometheus histogram sees them: counts per
/// bucket in 10 s slots, and `histogram_quantile(0.95, …[window])` over the
/// last slots, interpolated inside the bucket as Prometheus does.
struct LatencyWindow {
    static let bounds: [Double] = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 3600]
    static let slotSeconds = 10.0

    private var slots: [[Int]]
    private var slotIndex: [Int]

    init(windowSeconds: Double) {
        let count = max(1, Int((windowSeconds / Self.slotSeconds).rounded(.up)))
        slots = Array(repeating: Array(repeating: 0, count: Self.bounds.count + 1), count: count)
        slotIndex = Array(repeating: -1, count: count)
    }

    mutating func record(latency: Double, at time: Double) {
        let slot = Int(time / Self.slotSeconds)
        let position = slot % slots.count
        if slotIndex[position] != slot {
            slotIndex[position] = slot
            for bucket in slots[position].indices { slots[position][bucket] = 0 }
        }
        let bucket = Self.bounds.firstIndex { latency <= $0 } ?? Self.bounds.count
        slots[position][bucket] += 1
    }

    /// The quantile of the latencies recorded in the window ending at `time`; 0 with none.
    func quantile(_ q: Double, at time: Double) -> Double {
        let current = Int(time / Self.slotSeconds)
        var counts = Array(repeating: 0, count: Self.bounds.count + 1)
        for (position, slot) in slotIndex.enumerated() where slot > current - slots.count && slot <= current {
            for bucket in counts.indices { counts[bucket] += slots[position][bucket] }
        }
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let rank = q * Double(total)
        var cumulative = 0
        for (bucket, count) in counts.enumerated() {
            let below = cumulative
            cumulative += count
            guard Double(cumulative) >= rank else { continue }
            // Past the last finite bound Prometheus answers the last bound.
            guard bucket < Self.bounds.count else { return Self.bounds.last! }
            let lower = bucket == 0 ? 0 : Self.bounds[bucket - 1]
            let upper = Self.bounds[bucket]
            return lower + (upper - lower) * (rank - Double(below)) / Double(max(count, 1))
        }
        return Self.bounds.last!
    }
}
