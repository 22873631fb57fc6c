import Primitives
import Yams

extension EmulatorConfiguration {
    static let keys: Set<String> = [
        "listen", "apiKey", "provisioningSeconds", "startingSeconds", "capacity", "prices",
        "legacyNoCapacityErrors", "faults", "seed", "quirks", "rateLimitPerMinute",
        "rateLimitWindowSeconds", "sshAddress",
    ]

    /// Reads a YAML configuration. Absent keys keep their defaults; `capacity` and `prices` entries
    /// replace the defaults of the GPU types (and clouds) they name. Unknown keys are errors.
    ///
    /// - Parameter origin: where the text came from (a file name), used in error messages.
    /// - Throws: `EmulatorConfigurationError` naming the origin, the key and the reason.
    public static func load(yaml: String, origin: String) throws -> EmulatorConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw EmulatorConfigurationError.unreadableYAML(origin: origin, reason: "not valid YAML: \(error)")
        }
        guard let root else { return EmulatorConfiguration() }
        do {
            return try load(YAMLTree.value(of: root))
        } catch {
            throw EmulatorConfigurationError.field(error, origin: origin)
        }
    }

    static func load(_ tree: JSONValue) throws(FieldError) -> EmulatorConfiguration {
        var config = EmulatorConfiguration()
        if tree == .null { return config }
        let fields = try FieldReader(tree, path: "", allowed: keys)
        if let listen = try fields.string("listen") {
            _ = try ListenAddress.parse(listen, key: "listen")
            config.listen = listen
        }
        config.apiKey = try fields.string("apiKey").flatMap { $0.isEmpty ? nil : $0 }
        config.provisioningSeconds = try seconds(fields, "provisioningSeconds") ?? config.provisioningSeconds
        config.startingSeconds = try seconds(fields, "startingSeconds") ?? config.startingSeconds
        config.legacyNoCapacityErrors = try fields.bool("legacyNoCapacityErrors") ?? false
        if let seed = try fields.int("seed") {
            guard seed >= 0 else { throw FieldError.invalid("seed", "must be at least 0") }
            config.seed = UInt64(seed)
        }
        if let limit = try fields.int("rateLimitPerMinute") {
            guard limit >= 0 else { throw FieldError.invalid("rateLimitPerMinute", "must be at least 0 (0: no limit)") }
            config.rateLimitPerMinute = limit == 0 ? nil : limit
        }
        if let window = try fields.double("rateLimitWindowSeconds") {
            guard window >= 1 else { throw FieldError.invalid("rateLimitWindowSeconds", "must be at least 1") }
            config.rateLimitWindowSeconds = window
        }
        if let address = try fields.string("sshAddress") {
            guard PodRenderer.hostAndPort(address) != nil else {
                throw FieldError.invalid("sshAddress", "expected host:port")
            }
            config.sshAddress = address
        }
        try readCapacity(fields, into: &config)
        try readPrices(fields, into: &config)
        if let faults = fields.value("faults") {
            guard let items = faults.array else { throw .wrongType("faults", expected: "a list", got: faults) }
            var rules: [FaultRule] = []
            for (index, item) in items.enumerated() {
                rules.append(try FaultRule.parse(item, path: "faults[\(index)]"))
            }
            config.faults = rules
        }
        if let quirks = fields.value("quirks") {
            let quirkFields = try FieldReader(quirks, path: "quirks", allowed: ["goTimestamps", "costAsString"])
            config.quirks.goTimestamps = try quirkFields.bool("goTimestamps") ?? false
            config.quirks.costAsString = try quirkFields.bool("costAsString") ?? false
        }
        return config
    }

    private static func seconds(_ fields: FieldReader, _ name: String) throws(FieldError) -> Double? {
        guard let value = try fields.double(name) else { return nil }
        guard value >= 0 else { throw .invalid(name, "must be at least 0, got \(value)") }
        return value
    }

    private static func readCapacity(_ fields: FieldReader, into config: inout EmulatorConfiguration)
        throws(FieldError)
    {
        guard let capacity = try fields.object("capacity") else { return }
        for gpuId in capacity.keys.sorted() {
            let key = "capacity.\(gpuId)"
            guard GPUCatalog.gpu(gpuId) != nil else { throw .invalid(key, "unknown GPU type") }
            let clouds = try FieldReader(capacity[gpuId] ?? .null, path: key, allowed: Set(GPUCatalog.clouds))
            for cloud in GPUCatalog.clouds {
                guard let gpus = try clouds.int(cloud) else { continue }
                guard gpus >= 0 else { throw .invalid("\(key).\(cloud)", "must be at least 0, got \(gpus)") }
                config.capacity[gpuId, default: [:]][cloud] = gpus
            }
        }
    }

    private static func readPrices(_ fields: FieldReader, into config: inout EmulatorConfiguration)
        throws(FieldError)
    {
        guard let prices = try fields.object("prices") else { return }
        let reader = try FieldReader(.object(prices), path: "prices", allowed: Set(prices.keys))
        for gpuId in prices.keys.sorted() {
            guard GPUCatalog.gpu(gpuId) != nil else { throw .invalid("prices.\(gpuId)", "unknown GPU type") }
            guard let price = try reader.double(gpuId), price >= 0 else {
                throw .invalid("prices.\(gpuId)", "must be a price of at least 0")
            }
            config.prices[gpuId] = price
        }
    }
}
