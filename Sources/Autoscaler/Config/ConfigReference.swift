/// The settings table of README.md, made from `ConfigKey.all` so the docs
/// cannot drift from the code (a test compares them).
public enum ConfigReference {
    public static let beginMarker = "<!-- config-reference:begin (make config-reference) -->"
    public static let endMarker = "<!-- config-reference:end -->"

    public static func markdownTable() -> String {
        var lines = [
            "| key | environment | default | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for key in ConfigKey.all {
            var environment = "`\(key.environmentName)`"
            if let legacy = key.legacyEnvironment { environment += ", `\(legacy)`" }
            let value = key.defaultValue.isEmpty ? "" : "`\(escape(key.defaultValue))`"
            let secret = key.secret ? " (secret: never printed)" : ""
            lines.append("| `\(key.path)` | \(environment) | \(value) | \(escape(key.help))\(secret) |")
        }
        return lines.joined(separator: "\n")
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
