import Testing

@testable import Simulation

@Suite struct TraceTests {
    @Test func lengthAndTotalsFollowTheSteps() {
        let trace = Trace(name: "t", stepSeconds: 60, arrivals: [1, 2.5, 0, 4])
        #expect(trace.durationSeconds == 240)
        #expect(trace.totalArrivals == 7.5)
    }
}
