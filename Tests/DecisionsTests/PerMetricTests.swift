import Testing

@testable import Decisions

@Suite struct PerMetricTests {
    @Test func eachMetricHasItsOwnSlot() {
        var table = PerMetric<Int>(repeating: 0)
        for (index, metric) in ScalerMetric.allCases.enumerated() { table[metric] = index + 1 }
        #expect(ScalerMetric.allCases.map { table[$0] } == [1, 2, 3, 4, 5, 6])
        table[.queueDepth] = 30
        #expect(table[.queueDepth] == 30)
        #expect(table[.wanted] == 2 && table[.localAvailable] == 4, "the neighbours keep theirs")
    }

    @Test func theInitializerIsAskedForEveryMetric() {
        var asked: [ScalerMetric] = []
        let table = PerMetric { metric -> String in
            asked.append(metric)
            return metric.kebabName
        }
        #expect(asked == ScalerMetric.allCases)
        #expect(table[.runpodHeadroom] == "runpod-headroom")
    }

    @Test func aDictionaryRoundTripsThroughOptionalSlots() {
        let dictionary: [ScalerMetric: Double] = [.burst: 2, .runpodPods: 0]
        let table = PerMetric(dictionary)
        #expect(table[.burst] == 2)
        #expect(table[.runpodPods] == 0)
        #expect(table[.wanted] == nil)
        #expect(table.compacted() == dictionary)
    }

    @Test func equalityLooksAtEverySlot() {
        let a = PerMetric<Double?>(repeating: nil)
        var b = a
        #expect(a == b)
        b[.runpodHeadroom] = 1
        #expect(a != b)
        b[.runpodHeadroom] = nil
        #expect(a == b)
    }
}
