import Decisions

/// One encoded response per metric, all in one array. Six arrays a pool cost six malloc blocks with a
/// 32-byte header each, as much again as the bytes; at 1,000 pools the twelve a pool held took 0.9 MB.
public struct PackedEncodings: Sendable, Equatable {
    private let bytes: [UInt8]
    /// Where each metric's bytes start and end: a pool's six responses are a few hundred bytes (its
    /// namespace and name are DNS labels, at most 63 characters each).
    private let starts: PerMetric<UInt16>
    private let ends: PerMetric<UInt16>

    /// `encode` gives each metric's bytes; an empty array is no encoding (the subscript's empty slice).
    public init(_ encode: (ScalerMetric) -> [UInt8]) {
        let parts = PerMetric(encode)
        var bytes: [UInt8] = []
        let total = ScalerMetric.allCases.reduce(0) { $0 + parts[$1].count }
        precondition(total <= Int(UInt16.max), "six encoded responses of \(total) bytes")
        bytes.reserveCapacity(total)
        var starts = PerMetric(repeating: UInt16(0))
        var ends = starts
        for metric in ScalerMetric.allCases {
            starts[metric] = UInt16(bytes.count)
            bytes += parts[metric]
            ends[metric] = UInt16(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
        self.ends = ends
    }

    /// The metric's bytes, empty when it has none; a slice of the shared array, no copy.
    public subscript(metric: ScalerMetric) -> ArraySlice<UInt8> {
        bytes[Int(starts[metric])..<Int(ends[metric])]
    }

    /// Whether both hold the very same storage (not only equal bytes): reuse is what keeps an idle
    /// rebuild from allocating.
    func sharesStorage(with other: PackedEncodings) -> Bool {
        bytes.withUnsafeBytes { mine in other.bytes.withUnsafeBytes { $0.baseAddress == mine.baseAddress } }
    }
}
