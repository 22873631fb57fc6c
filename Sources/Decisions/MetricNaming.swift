/// The metric names reported to KEDA: lowercase `[a-z0-9-]`, constant for a
/// pool and metric, so the HPA's `s<N>-<name>` stays stable.
public enum MetricNaming {
    public static func name(pool: PoolID, metric: ScalerMetric) -> String {
        sanitize("runpod-\(pool.namespace)-\(pool.name)-\(metric.kebabName)")
    }

    /// Lowercases and replaces anything outside `[a-z0-9-]` with `-`.
    public static func sanitize(_ raw: String) -> String {
        var out = ""
        out.reserveCapacity(raw.utf8.count)
        for scalar in raw.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "-": out.unicodeScalars.append(scalar)
            default: out.append("-")
            }
        }
        return out
    }
}
