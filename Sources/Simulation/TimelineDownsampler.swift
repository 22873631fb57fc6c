/// Cuts a per-minute timeline into at most `cap` consecutive buckets of equal size, so a month-long trace
/// draws as ~1,500 points per series rather than 43,200.
struct TimelineDownsampler {
    /// The buckets, as index ranges into the timeline.
    let buckets: [Range<Int>]
    /// Each bucket's centre in minutes from the trace's start (a minute's sample describes its end).
    let centres: [Double]

    init(_ timeline: [MinuteSample], cap: Int) {
        let size = max(1, (timeline.count + max(1, cap) - 1) / max(1, cap))
        buckets = stride(from: 0, to: timeline.count, by: size).map { $0..<min($0 + size, timeline.count) }
        centres = buckets.map { range in
            (Double(timeline[range.lowerBound].minute) + Double(timeline[range.upperBound - 1].minute + 1)) / 2
        }
    }

    /// One value a bucket of `values` (as long as the timeline).
    func fold(_ values: [Double], _ aggregate: BucketAggregate) -> [Double] {
        buckets.map { aggregate.fold(values[$0]) }
    }

    /// Points at the bucket centres, on `base` when given.
    func points(_ values: [Double], base: [Double]? = nil) -> [ChartPoint] {
        zip(centres, values).enumerated().map { index, pair in
            ChartPoint(x: pair.0, y: pair.1, base: base?[index] ?? 0)
        }
    }
}
