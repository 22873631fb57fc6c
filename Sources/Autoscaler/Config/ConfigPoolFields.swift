import Decisions

/// A `pools[]` entry of the config file as a `PoolFieldSource`: each field is
/// read through the `ConfigReader` at `<prefix>.<field>`, so environment and
/// `--set` overrides apply and errors name the full key.
struct ConfigPoolFields: PoolFieldSource {
    var reader: ConfigReader
    let prefix: String

    mutating func string(_ field: String) throws(ConfigError) -> String? {
        try reader.string("\(prefix).\(field)")
    }

    mutating func int(_ field: String) throws(ConfigError) -> Int? {
        try reader.int("\(prefix).\(field)")
    }

    mutating func double(_ field: String) throws(ConfigError) -> Double? {
        try reader.double("\(prefix).\(field)")
    }

    mutating func bool(_ field: String) throws(ConfigError) -> Bool? {
        try reader.bool("\(prefix).\(field)")
    }

    mutating func strings(_ field: String) throws(ConfigError) -> [String]? {
        try reader.stringList("\(prefix).\(field)")
    }

    mutating func stringMap(_ field: String) throws(ConfigError) -> [String: String]? {
        try reader.stringMap("\(prefix).\(field)")
    }

    mutating func records(_ field: String, keys: [String]) throws(ConfigError) -> [[String: String]]? {
        let path = "\(prefix).\(field)"
        guard reader.node(at: path) != nil else { return nil }
        let count = try reader.count(path)
        if count == 0 { reader.markRead(path) }
        var records: [[String: String]] = []
        for index in 0..<count {
            var record: [String: String] = [:]
            for key in keys { record[key] = try reader.string("\(path)[\(index)].\(key)") }
            records.append(record)
        }
        return records
    }
}
