import Decisions
import Testing

@testable import Autoscaler

/// Six encodings in one array: each metric reads back exactly its own bytes, whatever the others hold.
@Suite struct PackedEncodingsTests {
    /// Different lengths per metric (the metric's name, repeated), so a wrong boundary shows.
    private func bytes(_ metric: ScalerMetric) -> [UInt8] {
        Array(String(repeating: metric.rawValue, count: metric.rawValue.count % 3 + 1).utf8)
    }

    @Test func eachMetricReadsBackItsOwnBytes() {
        let packed = PackedEncodings(bytes)
        for metric in ScalerMetric.allCases {
            #expect(Array(packed[metric]) == bytes(metric), "\(metric)")
        }
    }

    @Test func aMetricWithoutBytesIsEmptyAndTheOthersAreIntact() {
        let missing: Set<ScalerMetric> = [.burst, .localAvailable, .runpodHeadroom]
        let packed = PackedEncodings { missing.contains($0) ? [] : bytes($0) }
        for metric in ScalerMetric.allCases {
            #expect(Array(packed[metric]) == (missing.contains(metric) ? [] : bytes(metric)), "\(metric)")
        }
        let none = PackedEncodings { _ in [] }
        #expect(ScalerMetric.allCases.allSatisfy { none[$0].isEmpty })
    }

    @Test func equalityIsByBytesAndStorageIsTold() {
        let one = PackedEncodings(bytes)
        let same = PackedEncodings(bytes)
        let copy = one
        #expect(one == same)
        #expect(!one.sharesStorage(with: same), "equal bytes, separate arrays")
        #expect(one.sharesStorage(with: copy))
        // The same bytes split differently are different encodings.
        let shifted = PackedEncodings { metric in
            metric == .burst ? bytes(.burst) + bytes(.wanted) : metric == .wanted ? [] : bytes(metric)
        }
        #expect(shifted != one)
    }

    @Test func aSliceIsIndexableFromZeroWhenCopied() throws {
        // Callers copy a slice into the answer they send; the copy must hold the metric's bytes alone.
        let packed = PackedEncodings(bytes)
        let last = try #require(ScalerMetric.allCases.last)
        let copied = Array(packed[last])
        #expect(copied.startIndex == 0)
        #expect(copied == bytes(last))
    }
}
