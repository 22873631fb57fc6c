import Foundation

/// A throwaway PKI made with the `openssl` command: a CA, a server certificate for 127.0.0.1 and a client
/// certificate signed by it, and an unrelated second CA. Files live in ``directory`` and go with it.
final class TestPKI {
    /// Where Debian's `openssl` command is; the TLS tests are skipped without it.
    static let openssl = "/usr/bin/openssl"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: openssl) }

    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
        try directory.write("server.ext", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        try directory.write("client.ext", "extendedKeyUsage=clientAuth\n")
        try selfSigned("ca", subject: "/CN=kubeclient-test-ca")
        try selfSigned("other-ca", subject: "/CN=kubeclient-other-ca")
        try signed("server", subject: "/CN=127.0.0.1", extensions: "server.ext")
        try signed("client", subject: "/CN=runpod-autoscaler/O=system:masters", extensions: "client.ext")
    }

    /// The path of `name` (`ca.pem`, `server.key`...).
    func path(_ name: String) -> String {
        directory.path + "/" + name
    }

    /// The text of `name`.
    func text(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    private func selfSigned(_ name: String, subject: String) throws {
        try run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-days", "2", "-subj", subject,
        ])
    }

    private func signed(_ name: String, subject: String, extensions: String) throws {
        try run([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject,
        ])
        try run([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path("\(name).pem"), "-days", "2", "-extfile", path(extensions),
        ])
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.openssl)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("openssl \(arguments.prefix(2).joined(separator: " ")) failed")
        }
    }
}
