import Foundation

/// Where the repository and the shared reference contracts are.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var shared: URL {
        if let dir = ProcessInfo.processInfo.environment["SHARED_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return repository.deletingLastPathComponent().appendingPathComponent("shared")
    }

    static var reference: URL { shared.appendingPathComponent("reference") }

    /// Runs a tool and returns its standard output; fails with its stderr.
    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolFailure(message: "\(tool) \(arguments.joined(separator: " ")) failed: \(errorText)")
        }
        return data
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
