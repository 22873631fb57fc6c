import Decisions
import Foundation
import Testing

@testable import Autoscaler

/// The per-pool gauges written at scrape time: the same series, names and values the registry wrote.
struct PoolGaugeTableTests {
    static func status(desired: Int, block: CreateBlock?) -> PoolReconcileStatus {
        PoolReconcileStatus(
            desired: desired, podsByStatus: ["RUNNING": 2, "EXITED": 1], running: 2, counted: 3, costPerHour: 1.38,
            block: block, pods: [], stoppedReason: nil, at: Date(timeIntervalSince1970: 0))
    }

    static func lines(_ metrics: AutoscalerMetrics) -> [String] {
        String(decoding: metrics.render(), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func everySeriesOfAPoolIsWrittenOnceUnderOneHeaderPerFamily() {
        let metrics = AutoscalerMetrics(grpcMethods: [])
        metrics.recordPool(
            PoolID(namespace: "media", name: "b"), Self.status(desired: 4, block: .budget(used: 1, limit: 1)))
        metrics.recordPool(PoolID(namespace: "media", name: "a"), Self.status(desired: 3, block: nil))
        let lines = Self.lines(metrics)
        let pods = lines.filter { $0.hasPrefix("runpod_autoscaler_pool_pods{") }
        #expect(pods.count == 12, "6 statuses for each of 2 pools")
        #expect(pods.first == "runpod_autoscaler_pool_pods{pool=\"media/a\",status=\"PROVISIONING\"} 0.0")
        #expect(pods.contains("runpod_autoscaler_pool_pods{pool=\"media/b\",status=\"RUNNING\"} 2.0"))
        #expect(pods.contains("runpod_autoscaler_pool_pods{pool=\"media/a\",status=\"EXITED\"} 1.0"))
        #expect(lines.filter { $0 == "# TYPE runpod_autoscaler_pool_pods gauge" }.count == 1)
        #expect(lines.filter { $0.hasPrefix("# HELP runpod_autoscaler_pool_creates_blocked ") }.count == 1)
        // The header comes right before the family's first series.
        let header = lines.firstIndex(of: "# TYPE runpod_autoscaler_pool_desired_pods gauge")
        #expect(header.map { lines[$0 + 1] } == "runpod_autoscaler_pool_desired_pods{pool=\"media/a\"} 3.0")
        #expect(lines.contains("runpod_autoscaler_pool_creates_blocked{pool=\"media/b\",reason=\"budget\"} 1.0"))
        #expect(lines.contains("runpod_autoscaler_pool_creates_blocked{pool=\"media/a\",reason=\"budget\"} 0.0"))
        #expect(lines.contains("runpod_autoscaler_pool_cost_per_hour_dollars{pool=\"media/a\"} 1.38"))
        // Families nothing set are not written: no decision was recorded, no tunnel counted.
        #expect(!lines.contains { $0.contains("burst_demand") || $0.contains("runpod_autoscaler_tunnels") })
    }

    @Test func aLaterUpdateKeepsTheSeriesItDoesNotSet() {
        let metrics = AutoscalerMetrics(grpcMethods: [])
        let pool = PoolID(namespace: "media", name: "a")
        metrics.recordPool(pool, Self.status(desired: 3, block: nil))
        metrics.setTunnels(pool: pool, counts: [.up: 2, .waiting: 1])
        metrics.recordPool(pool, Self.status(desired: 5, block: nil))
        let lines = Self.lines(metrics)
        #expect(lines.contains("runpod_autoscaler_pool_desired_pods{pool=\"media/a\"} 5.0"))
        #expect(lines.contains("runpod_autoscaler_tunnels{pool=\"media/a\",state=\"up\"} 2.0"))
        #expect(lines.contains("runpod_autoscaler_tunnels{pool=\"media/a\",state=\"failed\"} 0.0"))
        #expect(lines.filter { $0.hasPrefix("runpod_autoscaler_tunnels{") }.count == TunnelPhase.allCases.count)
    }

    @Test func labelValuesAreEscapedAsTheTextFormatWants() {
        #expect(PrometheusLabel.escape("plain/name") == "plain/name")
        #expect(PrometheusLabel.escape("a\"b\\c\nd") == "a\\\"b\\\\c\\nd")
    }

    @Test func everyFamilyHasItsOwnSlots() {
        let slots = PoolGaugeFamily.all.flatMap { family in
            (family.split.map { $0.values.map(Optional.some) } ?? [nil]).map { PoolGaugeRow.slot(family.name, $0) }
        }
        #expect(slots == Array(0..<PoolGaugeRow.width))
    }

    @Test func aRowTellsASetZeroFromAnUnsetSlot() {
        var row = PoolGaugeRow()
        #expect((0..<PoolGaugeRow.width).allSatisfy { row[slot: $0] == nil }, "nothing is set at first")
        row["pool_desired_pods"] = 0
        row["pool_pods", "OTHER"] = 2.5
        #expect(row["pool_desired_pods"] == 0)
        #expect(row["pool_pods", "OTHER"] == 2.5)
        #expect(row["pool_pods", "RUNNING"] == nil)
        row["pool_desired_pods"] = nil
        #expect(row["pool_desired_pods"] == nil)
        #expect(row["pool_pods", "OTHER"] == 2.5, "the other slots keep theirs")
        let set = (0..<PoolGaugeRow.width).filter { row[slot: $0] != nil }
        #expect(set == [PoolGaugeRow.slot("pool_pods", "OTHER")])
    }
}
