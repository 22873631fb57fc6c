import Foundation

/// How many workers keep the p95 job latency under an SLO at a given arrival
/// rate: the M/G/c queue, Erlang C for the chance a job waits and Allen and
/// Cunneen's correction for service times less variable than exponential.
/// A fixed utilisation target wastes workers at scale and starves small
/// pools; this asks for what the SLO needs at this rate.
public struct WorkerStaffing: Sendable, Equatable {
    /// Mean seconds one job takes on one worker.
    public var serviceSeconds: Double
    /// The 95th percentile of that time (lognormal between the two).
    public var serviceP95Seconds: Double
    /// The p95 latency (wait + service) to keep under.
    public var latencySLOSeconds: Double

    public init(serviceSeconds: Double, serviceP95Seconds: Double, latencySLOSeconds: Double) {
        self.serviceSeconds = serviceSeconds
        self.serviceP95Seconds = serviceP95Seconds
        self.latencySLOSeconds = latencySLOSeconds
    }

    /// The squared coefficient of variation of a lognormal with this mean and p95
    /// (0 for a fixed time; p95 at or below the mean is read as fixed).
    public var serviceVariability: Double {
        guard serviceSeconds > 0, serviceP95Seconds > serviceSeconds else { return 0 }
        // ln p95 = μ + 1.645σ and ln mean = μ + σ²/2, so σ²/2 − 1.645σ + ln(p95/mean) = 0.
        let z = 1.6449
        let discriminant = z * z - 2 * log(serviceP95Seconds / serviceSeconds)
        let sigma = discriminant > 0 ? z - discriminant.squareRoot() : z
        return exp(sigma * sigma) - 1
    }

    /// The fewest workers for which at most 5 % of jobs take longer than the SLO.
    public func workers(arrivalsPerSecond rate: Double) -> Int {
        let load = max(0, rate) * serviceSeconds
        guard load > 0, load.isFinite else { return 0 }
        // Past 10,000 busy workers the search would be slow and the answer is the square-root rule's.
        guard load < 10_000 else { return Int(saturating: (load + 3 * load.squareRoot()).rounded(.up)) }
        let meanWaitScale = serviceSeconds * (1 + serviceVariability) / 2
        let services = serviceQuantiles
        var servers = Int(load.rounded(.down)) + 1
        // Erlang B by recursion up to `servers`, then stepped one server at a time.
        var erlangB = 1.0
        for k in 1...servers { erlangB = load * erlangB / (Double(k) + load * erlangB) }
        while servers < 100_000 {
            let c = Double(servers)
            let waitChance = c * erlangB / (c - load * (1 - erlangB))
            // A job of length s is late when it waits longer than SLO − s: P(W > t) = C·e^(−(c−a)t/scale).
            var late = 0.0
            for service in services {
                let budget = latencySLOSeconds - service
                late += budget <= 0 ? 1 : waitChance * exp(-(c - load) * budget / meanWaitScale)
            }
            if late / Double(services.count) <= 0.05 { return servers }
            servers += 1
            erlangB = load * erlangB / (Double(servers) + load * erlangB)
        }
        return servers
    }

    /// 32 equally likely job lengths: the lognormal's quantiles at the middle of each 1/32.
    private var serviceQuantiles: [Double] {
        let variability = serviceVariability
        guard variability > 0 else { return [serviceSeconds] }
        let sigma = log(1 + variability).squareRoot()
        let mu = log(serviceSeconds) - sigma * sigma / 2
        return (0..<32).map { exp(mu + sigma * Self.normalQuantile((Double($0) + 0.5) / 32)) }
    }

    /// The standard normal's quantile (Acklam's rational approximation, relative error < 1.2e-9).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [
            -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716,
            2.506628277459239,
        ]
        let b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
        let c = [
            -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
            4.374664141464968, 2.938163982698783,
        ]
        let d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
        let low = 0.02425
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p > 1 - low { return -normalQuantile(1 - p) }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}
