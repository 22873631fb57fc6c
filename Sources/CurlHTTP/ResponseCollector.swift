/// Gathers one transfer's response from libcurl's callbacks: header lines, body bytes up to a limit, and
/// whether the transfer should stop early.
///
/// Used only by the worker thread running the transfer, so it needs no lock.
final class ResponseCollector {
    private(set) var headers: [String: String] = [:]
    private(set) var body: [UInt8] = []
    /// Set when the body passed `maxBodyBytes` and the write callback stopped the transfer.
    private(set) var exceededLimit = false
    let maxBodyBytes: Int
    let abort: TransferAbort

    init(maxBodyBytes: Int, abort: TransferAbort) {
        self.maxBodyBytes = maxBodyBytes
        self.abort = abort
    }

    /// One header line as libcurl delivers it, CRLF included. A status line starts a new header block (after a
    /// `100 Continue`, say), so only the final response's fields are kept.
    func receiveHeaderLine(_ bytes: some Collection<UInt8>) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingHTTPWhitespace().lowercased()
        let value = String(line[line.index(after: colon)...].trimmingHTTPWhitespace())
        guard !name.isEmpty else { return }
        if let existing = headers[name] {
            headers[name] = existing + ", " + value
        } else {
            headers[name] = value
        }
    }

    /// A chunk of the body. Returns false, and remembers why, once the body would pass `maxBodyBytes`.
    func receiveBody(_ bytes: some Collection<UInt8>) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else {
            exceededLimit = true
            return false
        }
        if body.isEmpty, let length = headers["content-length"].flatMap({ Int($0) }), length > 0,
            length <= maxBodyBytes
        {
            // One allocation for the whole body instead of a doubling copy per growth (RunPod's pod list
            // at 1,000 pods is about a megabyte).
            body.reserveCapacity(length)
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Whether the progress callback should stop the transfer.
    var shouldAbort: Bool { abort.reason != nil }
}

extension Substring {
    /// Without leading and trailing spaces, tabs, CR and LF.
    fileprivate func trimmingHTTPWhitespace() -> Substring {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isWhitespace($0) }) else { return "" }
        let end = lastIndex(where: { !isWhitespace($0) })!
        return self[start...end]
    }
}
