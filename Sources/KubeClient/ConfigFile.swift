import Foundation

/// Reading the small files a configuration points at, with errors that name the file and never its contents.
enum ConfigFile {
    /// The text of the file at `path`; `what` says what it is for ("the service-account token").
    static func read(_ path: String, what: String) throws(KubeError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let why = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw KubeError(kind: .configuration, message: "\(what) file \(path) \(why)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KubeError(kind: .configuration, message: "\(what) file \(path) is not UTF-8 text")
        }
        return text
    }

    /// The file's text without surrounding whitespace, for one-line values such as tokens and namespaces;
    /// empty content is an error.
    static func readTrimmed(_ path: String, what: String) throws(KubeError) -> String {
        let text = try read(path, what: what).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw KubeError(kind: .configuration, message: "\(what) file \(path) is empty")
        }
        return text
    }

    /// `path` resolved against `directory` unless it is absolute.
    static func resolve(_ path: String, against directory: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return (directory as NSString).appendingPathComponent(path)
    }
}
