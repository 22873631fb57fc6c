import Primitives

/// Draws Poisson-distributed counts from a ``SplitMix64``, using only `+ - × ÷` and `sqrt`, so the same seed gives
/// the same draws on every platform (no `exp`, `log` or `cos` from the C library, whose last bits may differ).
///
/// - For a mean up to ``exactLimit`` (30): Knuth's exact method. Multiply uniform draws until the product falls
///   to `e^-λ` or below; the number of draws before that is the sample. `e^-λ` is computed by ``negativeExp(_:)``.
/// - Above it: a normal approximation, `λ + √λ · z` rounded to the nearest whole number and clamped at 0, with
///   `z` the sum of twelve uniform draws minus six (Irwin–Hall: mean 0, variance 1, within ±6).
struct PoissonSampler {
    /// The largest mean sampled exactly.
    static let exactLimit = 30.0

    private var generator: SplitMix64

    init(generator: SplitMix64) {
        self.generator = generator
    }

    init(seed: UInt64) {
        self.init(generator: SplitMix64(seed: seed))
    }

    /// The next uniform draw from 0..<1.
    mutating func unit() -> Double {
        generator.nextUnit()
    }

    /// One Poisson draw with mean `mean` (0 for a mean of 0 or less).
    mutating func sample(mean: Double) -> Double {
        guard mean > 0 else { return 0 }
        if mean <= Self.exactLimit {
            let limit = Self.negativeExp(mean)
            var count = 0.0
            var product = generator.nextUnit()
            while product > limit {
                count += 1
                product *= generator.nextUnit()
            }
            return count
        }
        var z = -6.0
        for _ in 0..<12 { z += generator.nextUnit() }
        return max(0, (mean + mean.squareRoot() * z).rounded())
    }

    /// `e^-x` for `x ≥ 0`, from a Taylor series and repeated multiplication: `e^-x = (e^-1)^n · e^-f` with
    /// `x = n + f`, `0 ≤ f < 1`. Accurate to a few units in the last place, and the same everywhere.
    static func negativeExp(_ x: Double) -> Double {
        let whole = x.rounded(.down)
        let fraction = x - whole
        var term = 1.0
        var sum = 1.0
        for k in 1...25 {
            term *= -fraction / Double(k)
            sum += term
        }
        let inverseE = 0.367_879_441_171_442_33
        var result = sum
        var n = Int(whole)
        while n > 0 {
            result *= inverseE
            n -= 1
        }
        return result
    }
}
