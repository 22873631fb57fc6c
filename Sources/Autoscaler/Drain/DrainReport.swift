import Decisions
import Foundation

/// The `drain` command's output: one line per selected pod (id, name, pool,
/// $/h, result) and a summary line.
public enum DrainReport {
    /// - Parameter poolsKnown: false when the pools could not be read: pods of no known pool show `?`, not orphan.
    public static func render(
        _ targets: [DrainTarget], outcome: DrainOutcome, dryRun: Bool, poolsKnown: Bool = true
    ) -> String {
        var rows = [["ID", "NAME", "POOL", "$/H", "RESULT"]]
        for target in targets {
            rows.append([
                target.id, target.name, target.pool.map(\.description) ?? (poolsKnown ? "(orphan)" : "?"),
                String(format: "%.2f", target.costPerHour), target.result(dryRun: dryRun).description,
            ])
        }
        return TextTable.render(rows) + summary(targets, outcome: outcome, dryRun: dryRun) + "\n"
    }

    static func summary(_ targets: [DrainTarget], outcome: DrainOutcome, dryRun: Bool) -> String {
        let left = targets.filter { !$0.gone }
        let terminated = targets.filter { $0.gone && $0.acceptedAt != nil }
        let before = targets.count - terminated.count - left.count
        func dollars(_ pods: [DrainTarget]) -> String {
            String(format: "%.2f", pods.reduce(0) { $0 + $1.costPerHour })
        }
        let counts = "\(terminated.count) terminated, \(before) already gone, \(left.count) left"
        switch outcome {
        case .dryRun:
            return "dry run: would terminate \(left.count) pods (\(dollars(left)) USD/h); nothing sent"
        case .drained:
            return "drained: \(counts); \(dollars(terminated)) USD/h stopped"
        case .timedOut:
            return "timed out: \(counts); \(dollars(left)) USD/h still billing"
        case .refused(let why):
            return "stopped, RunPod refused the key (\(why)): \(counts); \(dollars(left)) USD/h still billing"
        case .unreachable(let why):
            return "could not list RunPod pods before the timeout (\(why)): nothing terminated"
        }
    }
}
