import Yams

/// Reads typed values out of the YAML tree, with `--set` flags and
/// environment variables taking precedence for scalar keys, and remembers
/// which keys it read so unknown (misspelt) keys can be reported.
struct ConfigReader {
    /// A value given outside the file: its text and where it came from.
    struct Override {
        var value: String
        var origin: String
    }

    let file: String
    let root: Node?
    let overrides: [String: Override]
    private var consumed = ReadPaths()

    init(file: String, root: Node?, overrides: [String: Override]) {
        self.file = file
        self.root = root
        self.overrides = overrides
    }

    // MARK: Scalars

    /// The raw text at `path` and its origin, flags and env first.
    mutating func raw(_ path: String) throws(ConfigError) -> (text: String, origin: String)? {
        consumed.insert(path)
        if let override = overrides[path] { return (override.value, override.origin) }
        guard let node = node(at: path) else { return nil }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain && (scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty) {
                return ("", file)
            }
            return (Self.owned(scalar.string), file)
        default:
            throw ConfigError(origin: file, key: path, reason: "expected a single value, found a \(kind(of: node))")
        }
    }

    mutating func string(_ path: String, _ fallback: String) throws(ConfigError) -> String {
        try string(path) ?? fallback
    }

    /// The text at `path`; nil when not given.
    mutating func string(_ path: String) throws(ConfigError) -> String? {
        try raw(path)?.text
    }

    mutating func int(_ path: String, _ fallback: Int, minimum: Int = 0) throws(ConfigError) -> Int {
        guard let (text, origin) = try raw(path), !text.isEmpty else { return fallback }
        let value = try int(text, at: path, origin: origin)
        guard value >= minimum else {
            throw ConfigError(origin: origin, key: path, reason: "must be at least \(minimum), got \(value)")
        }
        return value
    }

    /// The whole number at `path`, any value; nil when not given or empty.
    mutating func int(_ path: String) throws(ConfigError) -> Int? {
        guard let (text, origin) = try raw(path), !text.isEmpty else { return nil }
        return try int(text, at: path, origin: origin)
    }

    private func int(_ text: String, at path: String, origin: String) throws(ConfigError) -> Int {
        guard let value = Int(text) else {
            throw ConfigError(origin: origin, key: path, reason: "expected a whole number, got \"\(text)\"")
        }
        return value
    }

    /// A number of seconds: serve turns each into whole milliseconds, so past `maximum` (about 31 years) a
    /// setting that loads would trap it at start.
    mutating func double(
        _ path: String, _ fallback: Double, minimum: Double = 0, allowZero: Bool = true, maximum: Double = 1e9
    ) throws(ConfigError) -> Double {
        guard let (text, origin) = try raw(path), !text.isEmpty else { return fallback }
        let value = try double(text, at: path, origin: origin)
        guard value >= minimum, allowZero || value != 0 else {
            let bound = allowZero ? "at least \(minimum)" : "greater than \(minimum)"
            throw ConfigError(origin: origin, key: path, reason: "must be \(bound), got \(text)")
        }
        guard value <= maximum else {
            throw ConfigError(origin: origin, key: path, reason: "must be at most \(Int(maximum)) seconds, got \(text)")
        }
        return value
    }

    /// The finite number at `path`, any value; nil when not given or empty.
    mutating func double(_ path: String) throws(ConfigError) -> Double? {
        guard let (text, origin) = try raw(path), !text.isEmpty else { return nil }
        return try double(text, at: path, origin: origin)
    }

    private func double(_ text: String, at path: String, origin: String) throws(ConfigError) -> Double {
        guard let value = Double(text), value.isFinite else {
            throw ConfigError(origin: origin, key: path, reason: "expected a number, got \"\(text)\"")
        }
        return value
    }

    mutating func bool(_ path: String, _ fallback: Bool) throws(ConfigError) -> Bool {
        try bool(path) ?? fallback
    }

    /// The boolean at `path`; nil when not given or empty.
    mutating func bool(_ path: String) throws(ConfigError) -> Bool? {
        guard let (text, origin) = try raw(path), !text.isEmpty else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(origin: origin, key: path, reason: "expected true or false, got \"\(text)\"")
        }
    }

    mutating func choice<T: RawRepresentable>(_ path: String, _ fallback: T) throws(ConfigError) -> T
    where T.RawValue == String {
        guard let (text, origin) = try raw(path), !text.isEmpty else { return fallback }
        guard let value = T(rawValue: text) else {
            throw ConfigError(origin: origin, key: path, reason: "unknown value \"\(text)\"")
        }
        return value
    }

    // MARK: Collections (file only)

    /// The list at `path`; nil when not given.
    mutating func stringList(_ path: String) throws(ConfigError) -> [String]? {
        consumed.insert(path)
        guard let node = node(at: path) else { return nil }
        guard case .sequence(let sequence) = node else {
            throw ConfigError(origin: file, key: path, reason: "expected a list, found a \(kind(of: node))")
        }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item else {
                throw ConfigError(origin: file, key: "\(path)[\(index)]", reason: "expected a single value")
            }
            values.append(Self.owned(scalar.string))
        }
        return values
    }

    /// The mapping at `path`; nil when not given.
    mutating func stringMap(_ path: String) throws(ConfigError) -> [String: String]? {
        consumed.insert(path)
        guard let node = node(at: path) else { return nil }
        guard case .mapping(let mapping) = node else {
            throw ConfigError(origin: file, key: path, reason: "expected a mapping, found a \(kind(of: node))")
        }
        var values: [String: String] = [:]
        for (key, value) in mapping {
            guard case .scalar(let keyScalar) = key, case .scalar(let valueScalar) = value else {
                throw ConfigError(origin: file, key: path, reason: "expected string keys and values")
            }
            values[Self.owned(keyScalar.string)] = Self.owned(valueScalar.string)
        }
        return values
    }

    /// The number of items of the list at `path` (0 when absent).
    func count(_ path: String) throws(ConfigError) -> Int {
        guard let node = node(at: path) else { return 0 }
        guard case .sequence(let sequence) = node else {
            throw ConfigError(origin: file, key: path, reason: "expected a list, found a \(kind(of: node))")
        }
        return sequence.count
    }

    // MARK: Unknown keys

    /// Marks a key as read when its value has no children to read (an empty list).
    mutating func markRead(_ path: String) {
        consumed.insert(path)
    }

    /// The keys in the file that nothing read: a typo or a setting this
    /// version does not have.
    func unknownKeys() -> [String] {
        guard let root else { return [] }
        var unknown: [String] = []
        walk(root, path: "", into: &unknown)
        return unknown
    }

    private func walk(_ node: Node, path: String, into unknown: inout [String]) {
        if consumed.contains(path) { return }
        switch node {
        case .mapping(let mapping):
            for (key, value) in mapping {
                let name = key.scalar?.string ?? "?"
                let child = path.isEmpty ? name : "\(path).\(name)"
                if consumed.contains(child) { continue }
                if !consumed.leadsBelow(child) {
                    unknown.append(child)
                } else {
                    walk(value, path: child, into: &unknown)
                }
            }
        case .sequence(let sequence):
            for (index, item) in sequence.enumerated() {
                walk(item, path: "\(path)[\(index)]", into: &unknown)
            }
        default:
            if !path.isEmpty { unknown.append(path) }
        }
    }

    // MARK: Paths

    /// The node at a dotted path with list indices: `pools[0].template.env`.
    func node(at path: String) -> Node? {
        var current = root
        for component in path.split(separator: ".") {
            var name = Substring(component)
            var index: Int?
            if let open = name.firstIndex(of: "["), name.last == "]" {
                index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
                name = name[..<open]
            }
            guard case .mapping(let mapping)? = current else { return nil }
            // Keys compare by text and resolved tag: the key asked for resolves as the file's keys do.
            current = mapping[Node(String(name), Tag(.implicit, .basic))]
            if let index {
                guard case .sequence(let sequence)? = current, index < sequence.count else { return nil }
                current = sequence[index]
            }
        }
        if case .scalar(let scalar)? = current, scalar.style == .plain, scalar.string == "~" || scalar.string == "null"
        {
            return nil
        }
        return current
    }

    /// A copy of a tree's text in storage of its own. The config outlives the YAML tree, which a
    /// large file has built on a `ScratchThread`: sharing the tree's string storage would keep
    /// pages of that thread's arena from going back (`FreeHeapPages`).
    static func owned(_ text: String) -> String {
        let count = text.utf8.count
        guard count > 15 else { return text }  // small strings are stored inline
        return String(unsafeUninitializedCapacity: count) { buffer in
            _ = buffer.initialize(fromContentsOf: text.utf8)
            return count
        }
    }

    private func kind(of node: Node) -> String {
        switch node {
        case .scalar: "value"
        case .mapping: "mapping"
        case .sequence: "list"
        case .alias: "alias"
        }
    }
}
