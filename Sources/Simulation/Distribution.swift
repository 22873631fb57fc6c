import Foundation

/// A distribution of durations in seconds, configurable by the two numbers
/// people know: the mean and the 95th percentile.
public enum Distribution: Sendable, Equatable {
    case fixed(Double)
    /// Lognormal with this mean and p95 (p95 at most ~3.8 × the mean).
    case lognormal(mean: Double, p95: Double)
    case uniform(min: Double, max: Double)

    public var mean: Double {
        switch self {
        case .fixed(let value): value
        case .lognormal(let mean, _): mean
        case .uniform(let low, let high): (low + high) / 2
        }
    }

    /// The 95th percentile.
    public var p95: Double {
        switch self {
        case .fixed(let value): value
        case .lognormal(_, let p95): p95
        case .uniform(let low, let high): low + 0.95 * (high - low)
        }
    }

    /// Why the numbers cannot make a distribution, or nil.
    public var problem: String? {
        switch self {
        case .fixed(let value):
            return value >= 0 ? nil : "must not be negative"
        case .lognormal(let mean, let p95):
            if mean <= 0 || p95 <= 0 { return "mean and p95 must be positive" }
            if p95 < mean { return "p95 must be at least the mean" }
            return log(p95 / mean) > 1.644854 * 1.644854 / 2 ? "p95 may be at most 3.87 × the mean" : nil
        case .uniform(let low, let high):
            return low >= 0 && high >= low ? nil : "needs 0 ≤ min ≤ max"
        }
    }

    /// One draw.
    public func sample(using random: inout some RandomNumberGenerator) -> Double {
        switch self {
        case .fixed(let value):
            return value
        case .lognormal(let mean, let p95):
            // ln p95 = μ + 1.645 σ and mean = exp(μ + σ²/2): σ is the smaller root.
            let z = 1.644854
            let sigma = z - (z * z - 2 * log(p95 / mean)).squareRoot()
            let mu = log(mean) - sigma * sigma / 2
            return exp(mu + sigma * Self.standardNormal(using: &random))
        case .uniform(let low, let high):
            return low + (high - low) * Double.random(in: 0..<1, using: &random)
        }
    }

    /// Box–Muller, one of the pair.
    static func standardNormal(using random: inout some RandomNumberGenerator) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &random)
        let u2 = Double.random(in: 0..<1, using: &random)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
