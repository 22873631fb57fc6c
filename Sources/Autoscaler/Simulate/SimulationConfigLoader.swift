import Decisions
import Simulation
import Yams

/// Reads `simulate --config`: one pool exactly as in the config file's
/// `pools[]` (the same validation), and the model around it. Every key is
/// optional but `pool`; unknown keys are errors naming the key.
public enum SimulationConfigLoader {
    public static func load(yaml: String, origin: String) throws(ConfigError) -> SimulationSettings {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .basic)  // as ConfigLoader: plain scalars stay text
        } catch {
            throw ConfigError(origin: origin, key: "", reason: "not valid YAML: \(error)")
        }
        var r = ConfigReader(file: origin, root: root, overrides: [:])
        guard r.node(at: "pool") != nil else {
            throw ConfigError(origin: origin, key: "pool", reason: "is required: the burst pool to simulate")
        }
        // Read exactly as a `pools[]` entry of the config file.
        let draft = try ConfigLoader.readPool(&r, at: "pool")
        let pool: PoolSpec
        do {
            pool = try draft.validated(defaults: PoolDefaults())
        } catch {
            throw ConfigError(origin: origin, key: "pool.\(error.field)", reason: error.reason)
        }

        var s = SimulationSettings(pool: pool)
        s.localGPUs = try r.int("local.gpus") ?? s.localGPUs
        s.localServerDollarsPerMonth = try r.double("local.serverDollarsPerMonth") ?? s.localServerDollarsPerMonth
        s.localGPUsPerServer = try r.int("local.gpusPerServer") ?? s.localGPUsPerServer
        s.serviceSeconds = try distribution(&r, "jobs.serviceSeconds") ?? s.serviceSeconds
        s.pollSeconds = try positive(&r, "demand.pollSeconds") ?? s.pollSeconds
        s.latencyWindowSeconds = try positive(&r, "demand.latencyWindowSeconds") ?? s.latencyWindowSeconds
        s.arrivalRateWindowSeconds = Int(
            try positive(&r, "demand.arrivalRateWindowSeconds") ?? Double(s.arrivalRateWindowSeconds))
        s.reconcileSeconds = try positive(&r, "runpod.reconcileSeconds") ?? s.reconcileSeconds
        if let prices = try r.stringMap("runpod.gpuPrices") {
            s.gpuPrices = try numbers(prices, "runpod.gpuPrices", origin: origin)
        }
        s.provisioningSeconds = try distribution(&r, "runpod.provisioningSeconds") ?? s.provisioningSeconds
        s.startingSeconds = try distribution(&r, "runpod.startingSeconds") ?? s.startingSeconds
        if let capacity = try r.stringMap("runpod.capacity") {
            s.capacity = try numbers(capacity, "runpod.capacity", origin: origin).mapValues { Int($0) }
        }
        s.createFailureShare = try r.double("runpod.createFailureShare") ?? 0
        if !(0...1).contains(s.createFailureShare) {
            throw ConfigError(origin: origin, key: "runpod.createFailureShare", reason: "must be between 0 and 1")
        }
        let windows = try r.count("runpod.noCapacity")
        if windows == 0 { r.markRead("runpod.noCapacity") }
        for index in 0..<windows {
            let p = "runpod.noCapacity[\(index)]"
            guard let gpu = try r.string("\(p).gpuTypeId"), let from = try r.double("\(p).fromSeconds"),
                let to = try r.double("\(p).toSeconds"), to > from
            else {
                throw ConfigError(
                    origin: origin, key: p, reason: "needs gpuTypeId, fromSeconds and a later toSeconds")
            }
            s.noCapacity.append(NoCapacityWindow(gpuTypeId: gpu, fromSeconds: from, toSeconds: to))
        }
        s.costTableUtilization = try r.double("costTable.utilization") ?? s.costTableUtilization
        if !(0...1).contains(s.costTableUtilization) || s.costTableUtilization == 0 {
            throw ConfigError(origin: origin, key: "costTable.utilization", reason: "must be above 0 and at most 1")
        }
        s.before.label = try r.string("before.label") ?? s.before.label
        s.before.dollarsPerHour = try r.double("before.dollarsPerHour") ?? s.before.dollarsPerHour
        s.before.interruptionsPerHour = try r.double("before.interruptionsPerHour") ?? s.before.interruptionsPerHour
        s.before.provisioningSeconds =
            try distribution(&r, "before.provisioningSeconds") ?? s.before.provisioningSeconds
        for gpu in pool.template.gpuTypeIds where s.gpuPrices[gpu] == nil {
            throw ConfigError(
                origin: origin, key: "runpod.gpuPrices", reason: "no price for \(gpu), a GPU type of the pool")
        }
        if let unknown = r.unknownKeys().first {
            throw ConfigError(
                origin: origin, key: unknown, reason: "unknown key (misspelt, or not a simulation setting)")
        }
        return s
    }

    /// `{fixed: S}`, `{mean: M, p95: P}` (lognormal) or `{min: A, max: B}` (uniform).
    private static func distribution(_ r: inout ConfigReader, _ key: String) throws(ConfigError) -> Distribution? {
        guard r.node(at: key) != nil else { return nil }
        let result: Distribution
        if let fixed = try r.double("\(key).fixed") {
            result = .fixed(fixed)
        } else if let mean = try r.double("\(key).mean") {
            result = .lognormal(mean: mean, p95: try r.double("\(key).p95") ?? mean)
        } else if let low = try r.double("\(key).min"), let high = try r.double("\(key).max") {
            result = .uniform(min: low, max: high)
        } else {
            throw ConfigError(
                origin: r.file, key: key, reason: "expected {fixed: S}, {mean: M, p95: P} or {min: A, max: B}")
        }
        if let problem = result.problem { throw ConfigError(origin: r.file, key: key, reason: problem) }
        return result
    }

    private static func positive(_ r: inout ConfigReader, _ key: String) throws(ConfigError) -> Double? {
        guard let value = try r.double(key) else { return nil }
        guard value > 0 else { throw ConfigError(origin: r.file, key: key, reason: "must be greater than 0") }
        return value
    }

    private static func numbers(_ map: [String: String], _ key: String, origin: String) throws(ConfigError)
        -> [String: Double]
    {
        var out: [String: Double] = [:]
        for (name, text) in map {
            guard let value = Double(text), value >= 0 else {
                throw ConfigError(
                    origin: origin, key: "\(key).\(name)", reason: "expected a number ≥ 0, got \"\(text)\"")
            }
            out[name] = value
        }
        return out
    }
}
