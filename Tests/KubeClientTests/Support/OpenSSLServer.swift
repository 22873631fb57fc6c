import Foundation

/// `openssl s_server -WWW` on 127.0.0.1 and a port the system picked: a TLS server that requires a client
/// certificate signed by the test CA and serves files from a document root (`GET /a/b` answers the file `a/b`).
/// Stands in for an API server with client-certificate authentication; Hummingbird's TLS needs a package this
/// target does not have.
final class OpenSSLServer {
    let port: Int
    private let process: Process

    var baseURL: String { "https://127.0.0.1:\(port)" }

    /// Starts the server with `pki`'s server certificate, serving `root`.
    static func start(pki: TestPKI, root: String) async throws -> OpenSSLServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPKI.openssl)
        process.arguments = [
            "s_server", "-WWW", "-accept", "127.0.0.1:0", "-cert", pki.path("server.pem"), "-key",
            pki.path("server.key"), "-CAfile", pki.path("ca.pem"), "-Verify", "1",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let port = await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
            // A plain thread reads the pipe (blocking) until s_server says where it listens, then keeps draining
            // it so the server never blocks on a full pipe; it ends when the server exits.
            let reader = Thread {
                var text = ""
                var reported = false
                while true {
                    let data = output.fileHandleForReading.availableData
                    if data.isEmpty { break }
                    guard !reported else { continue }
                    text += String(decoding: data, as: UTF8.self)
                    if let match = text.firstMatch(of: /ACCEPT 127\.0\.0\.1:(\d+)\n/) {
                        reported = true
                        continuation.resume(returning: Int(match.1))
                    }
                }
                if !reported {
                    continuation.resume(returning: nil)
                }
            }
            reader.start()
        }
        guard let port, port > 0 else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw TestFailure("openssl s_server did not start listening")
        }
        return OpenSSLServer(port: port, process: process)
    }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// Stops the server process this object started. SIGKILL, because a child of the test runner inherits a
    /// signal mask that blocks SIGTERM (`Process.terminate()` would leave it running).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
