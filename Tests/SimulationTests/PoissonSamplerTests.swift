import Foundation
import Testing

@testable import Simulation

@Suite struct PoissonSamplerTests {
    @Test func theSeriesExponentialMatchesTheLibrary() {
        for x in stride(from: 0.0, through: 30, by: 0.37) {
            let ours = PoissonSampler.negativeExp(x)
            #expect(abs(ours - exp(-x)) <= exp(-x) * 1e-13, "x = \(x)")
        }
    }

    @Test(arguments: [0.5, 3, 8, 29.5, 45, 135])
    func drawsHaveTheMeanAndVarianceOfAPoisson(mean: Double) {
        var sampler = PoissonSampler(seed: 42)
        let draws = (0..<20_000).map { _ in sampler.sample(mean: mean) }
        let average = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(draws.count - 1)
        #expect(abs(average - mean) < 0.05 * mean + 0.02)
        #expect(abs(variance - mean) < 0.1 * mean + 0.05)
        #expect(draws.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    }

    @Test func aZeroOrNegativeMeanDrawsNothing() {
        var sampler = PoissonSampler(seed: 1)
        #expect(sampler.sample(mean: 0) == 0)
        #expect(sampler.sample(mean: -3) == 0)
    }

    @Test func theSameSeedDrawsTheSameCounts() {
        var first = PoissonSampler(seed: 9)
        var second = PoissonSampler(seed: 9)
        let a = (0..<500).map { first.sample(mean: Double($0 % 60)) }
        let b = (0..<500).map { second.sample(mean: Double($0 % 60)) }
        #expect(a == b)
    }
}
