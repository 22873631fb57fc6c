import Decisions

/// One encoded response per metric, all in one array. Six arrays a pool cost six malloc blocks with a
/// 32-byte header each, as much again as the bytes; at 1,000 pools the twelve a pool held took 0.9 MB.
public struct PackedEncodings: Sendable, Equatable {
    private let bytes: [UInt8]
    private let ranges: PerMetric<Range<UInt32>>

    /// `encode` gives each metric's bytes; an empty array is no encoding (the subscript's empty slice).
    public init(_ encode: (ScalerMetric) -> [UInt8]) {
        let parts = PerMetric(encode)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ScalerMetric.allCases.reduce(0) { $0 + parts[$1].count })
        var ranges = PerMetric(repeating: UInt32(0)..<0)
        for metric in ScalerMetric.allCases {
            let start = UInt32(bytes.count)
            bytes += parts[metric]
            ranges[metric] = start..<UInt32(bytes.count)
        }
        self.bytes = bytes
        self.ranges = ranges
    }

    /// The metric's bytes, empty when it has none; a slice of the shared array, no copy.
    public subscript(metric: ScalerMetric) -> ArraySlice<UInt8> {
        let range = ranges[metric]
        return bytes[Int(range.lowerBound)..<Int(range.upperBound)]
    }

    /// Whether both hold the very same storage (not only equal bytes): reuse is what keeps an idle
    /// rebuild from allocating.
    func sharesStorage(with other: PackedEncodings) -> Bool {
        bytes.withUnsafeBytes { mine in other.bytes.withUnsafeBytes { $0.baseAddress == mine.baseAddress } }
    }
}
