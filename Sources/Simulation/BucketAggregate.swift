/// How the downsampler folds one bucket of per-minute values into one point.
enum BucketAggregate {
    /// The largest value: peaks (queue depth, p95 latency) stay visible however long the trace.
    case maximum
    /// The average: levels (workers busy) keep their area.
    case mean

    /// The bucket's value; zero for an empty bucket.
    func fold(_ values: ArraySlice<Double>) -> Double {
        guard !values.isEmpty else { return 0 }
        switch self {
        case .maximum: return values.max() ?? 0
        case .mean: return values.reduce(0, +) / Double(values.count)
        }
    }
}
