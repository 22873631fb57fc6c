import Decisions
import Synchronization

/// The per-pool gauges as plain numbers, written out when `/metrics` is read. A registry gauge costs
/// about 300 bytes (an object, its labels, its pre-rendered name, the family's entry) and a pool has
/// 18 of them: at 1,000 pools that was about 5 MiB of the idle process, against 0.3 MiB here.
final class PoolGaugeTable: Sendable {
    private let rows = Mutex<[PoolID: PoolGaugeRow]>([:])

    /// Sets some of `pool`'s values; the others keep theirs.
    func update(_ pool: PoolID, _ body: (inout PoolGaugeRow) -> Void) {
        rows.withLock { rows in body(&rows[pool, default: PoolGaugeRow()]) }
    }

    /// The text exposition of every family that has a value, pools sorted, `prefix` before each name.
    func render(prefix: String, into buffer: inout [UInt8]) {
        let rows = rows.withLock { $0 }
        let pools = rows.keys.sorted()
        let labels = pools.map { "pool=\"\(PrometheusLabel.escape($0.description))\"" }
        var slot = 0
        for family in PoolGaugeFamily.all {
            defer { slot += family.width }
            let name = prefix + family.name
            var wroteHeader = false
            for (index, pool) in pools.enumerated() {
                let row = rows[pool]!
                for series in 0..<family.width {
                    guard let value = row[slot: slot + series] else { continue }
                    if !wroteHeader {
                        buffer.append(contentsOf: "# HELP \(name) \(family.help)\n# TYPE \(name) gauge\n".utf8)
                        wroteHeader = true
                    }
                    buffer.append(contentsOf: name.utf8)
                    buffer.append(UInt8(ascii: "{"))
                    buffer.append(contentsOf: labels[index].utf8)
                    if let split = family.split {
                        buffer.append(
                            contentsOf: ",\(split.label)=\"\(PrometheusLabel.escape(split.values[series]))\"".utf8)
                    }
                    // As the registry writes a gauge's value (Double's description).
                    buffer.append(contentsOf: "} \(value)\n".utf8)
                }
            }
        }
    }
}
