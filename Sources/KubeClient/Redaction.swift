/// Removing secrets from text meant for people.
enum Redaction {
    /// `url` without user info (`https://user:pass@host` → `https://host`).
    static func url(_ url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let authorityStart = schemeEnd.upperBound
        let authorityEnd = url[authorityStart...].firstIndex(of: "/") ?? url.endIndex
        guard let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<authorityStart]) + String(url[url.index(after: at)...])
    }

    /// `text` with every non-empty secret in `secrets` replaced by `<redacted>`.
    static func text(_ text: String, removing secrets: some Sequence<String>) -> String {
        var result = text
        for secret in secrets where !secret.isEmpty {
            result = result.replacing(secret, with: "<redacted>")
        }
        return result
    }
}
