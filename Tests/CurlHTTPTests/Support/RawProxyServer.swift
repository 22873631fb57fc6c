import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A one-connection HTTP proxy stand-in on a raw loopback socket: it records the request head exactly as sent
/// (an absolute-URI request line, which Hummingbird would rewrite) and answers `200 proxied`.
final class RawProxyServer: Sendable {
    let port: Int
    private let descriptor: Int32
    private let head = Mutex<String?>(nil)

    /// The request head received, once the answer has been sent.
    var receivedHead: String? { head.withLock { $0 } }

    init() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && listen(descriptor, 4) == 0
                    && getsockname(descriptor, address, &length) == 0
            }
        }
        precondition(listening, "cannot listen")
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in serveOne() }
        thread.start()
    }

    /// Closes the listening socket, waking the serving thread if it is still waiting for a connection.
    func stop() {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
    }

    private func serveOne() {
        let connection = accept(descriptor, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !received.ends(with: Array("\r\n\r\n".utf8)) {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { return }
            received += buffer[0..<count]
        }
        head.withLock { $0 = String(decoding: received, as: UTF8.self) }
        let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nproxied".utf8)
        _ = answer.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
