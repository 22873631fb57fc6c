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
}
