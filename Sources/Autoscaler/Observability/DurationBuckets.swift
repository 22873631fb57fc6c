import Prometheus

/// A Prometheus histogram of durations for one label set, recorded without a
/// lock: one atomic add per bucket hit and one to the sum. The cumulative
/// counts are summed when rendered, so `+Inf` always equals `_count`.
final class DurationBuckets: Sendable {
    private let name: String
    private let labels: String
    private let bounds: [Duration]
    /// One count per bound, then the overflow past the last one.
    private let counts: [AtomicCount]
    private let sumNanoseconds = AtomicCount()

    /// - Parameter labels: already rendered, e.g. `method="/pkg.Service/Method"`.
    init(name: String, labels: String, bounds: [Duration]) {
        self.name = name
        self.labels = labels
        self.bounds = bounds
        counts = (0...bounds.count).map { _ in AtomicCount() }
    }

    func record(_ duration: Duration) {
        var index = 0
        while index < bounds.count && duration > bounds[index] { index += 1 }
        counts[index].add(1)
        let (seconds, attoseconds) = duration.components
        sumNanoseconds.add(Int(seconds) &* 1_000_000_000 &+ Int(attoseconds / 1_000_000_000))
    }

    /// The `_bucket`, `_sum` and `_count` lines, as swift-prometheus writes them.
    func emit(into buffer: inout [UInt8]) {
        var cumulative = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += counts[index].load()
            line(&buffer, "_bucket{\(labels),le=\"\(bound.bucketRepresentation)\"} \(cumulative)")
        }
        cumulative += counts[bounds.count].load()
        line(&buffer, "_bucket{\(labels),le=\"+Inf\"} \(cumulative)")
        line(&buffer, "_sum{\(labels)} \(Duration.nanoseconds(sumNanoseconds.load()).bucketRepresentation)")
        line(&buffer, "_count{\(labels)} \(cumulative)")
    }

    private func line(_ buffer: inout [UInt8], _ suffix: String) {
        buffer.append(contentsOf: name.utf8)
        buffer.append(contentsOf: suffix.utf8)
        buffer.append(UInt8(ascii: "\n"))
    }
}
