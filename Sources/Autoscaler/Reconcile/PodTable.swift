import Decisions
import Foundation
import RunPodAPI

/// The `pods` command's table: the autoscaler's pods (by name prefix) with
/// their pool, offering, status, price and age. Env values are never shown.
public enum PodTable {
    /// - Parameter pools: the pools that exist (the config's, or the RunPodPools in Kubernetes mode).
    public static func render(_ pods: [RunPodPod], prefix: String, pools: [PoolID], now: Date) -> String {
        let naming = PodNaming(prefix: prefix)
        var rows = [["ID", "POOL", "GPU", "CLOUD", "STATUS", "$/H", "AGE", "NAME"]]
        var total = 0.0
        for pod in pods.sorted(by: { $0.name < $1.name }) where naming.owns(pod.name) {
            let pool = naming.pool(of: pod.name, among: pools).map(\.description) ?? "(orphan)"
            let gpu = pod.gpuTypeId.map { pod.gpuCount > 1 ? "\(pod.gpuCount)x \($0)" : $0 } ?? "-"
            total += pod.costPerHour
            rows.append([
                pod.id, pool, gpu, pod.cloud ?? "-", pod.status.description, String(format: "%.2f", pod.costPerHour),
                pod.createdAt.map { age(now.timeIntervalSince($0)) } ?? "-", pod.name,
            ])
        }
        var out = TextTable.render(rows)
        out += "\(rows.count - 1) pods, \(String(format: "%.2f", total)) USD/h\n"
        return out
    }

    static func age(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}
