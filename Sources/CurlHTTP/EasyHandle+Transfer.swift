internal import CCurlShim

extension EasyHandle {
    /// Runs `request` to completion on this handle, on the calling (worker) thread.
    func run(
        _ request: HTTPRequest,
        configuration: HTTPClient.Configuration,
        abort: TransferAbort
    ) throws(HTTPClientError) -> HTTPResponse {
        try prepare()
        defer { clear() }
        try configure(for: request, configuration: configuration)
        let collector = ResponseCollector(maxBodyBytes: configuration.maxResponseBytes, abort: abort)
        try setCallbacks(collector)
        try perform(collecting: collector)
        return HTTPResponse(status: try responseCode(), headers: collector.headers, body: collector.body)
    }

    private func configure(for request: HTTPRequest, configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        try set(CURLOPT_URL, request.url, "CURLOPT_URL")
        try set(CURLOPT_PROTOCOLS_STR, "http,https", "CURLOPT_PROTOCOLS_STR")
        // Transfers run on worker threads: no SIGALRM-based DNS timeouts.
        try set(CURLOPT_NOSIGNAL, 1, "CURLOPT_NOSIGNAL")
        try set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds, "CURLOPT_CONNECTTIMEOUT_MS")
        try set(CURLOPT_TIMEOUT_MS, (request.timeout ?? configuration.timeout).curlMilliseconds, "CURLOPT_TIMEOUT_MS")
        try set(CURLOPT_USERAGENT, configuration.userAgent, "CURLOPT_USERAGENT")
        // 64 KiB reads instead of libcurl's 16 KiB: a megabyte pod list in a quarter of the reads and
        // wake-ups. Below glibc's mmap threshold, so the buffer is reused, not mapped per transfer.
        try set(CURLOPT_BUFFERSIZE, 64 << 10, "CURLOPT_BUFFERSIZE")
        // The defaults already verify, stated here so no later edit can quietly turn verification off.
        try set(CURLOPT_SSL_VERIFYPEER, 1, "CURLOPT_SSL_VERIFYPEER")
        try set(CURLOPT_SSL_VERIFYHOST, 2, "CURLOPT_SSL_VERIFYHOST")
        try configureTLSIdentity(configuration)
        // nil leaves libcurl's own http_proxy / https_proxy / no_proxy handling in place; "" disables proxies.
        if let proxy = configuration.proxy {
            try set(CURLOPT_PROXY, proxy, "CURLOPT_PROXY")
        }
        try set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1, "CURLOPT_SUPPRESS_CONNECT_HEADERS")
        // Stops early when Content-Length already says too much; the write callback catches the rest.
        try set(CURLOPT_MAXFILESIZE_LARGE, size: configuration.maxResponseBytes, "CURLOPT_MAXFILESIZE_LARGE")
        try configureMethod(of: request)
        // libcurl silently re-sends a request whose reused connection died before an
        // answer. For a POST that could create a second pod, so it gets a fresh connection.
        try set(CURLOPT_FRESH_CONNECT, request.isIdempotent ? 0 : 1, "CURLOPT_FRESH_CONNECT")
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        if request.body != nil, !request.headers.contains(where: { $0.name.lowercased() == "expect" }) {
            // No `Expect: 100-continue` round trip (and its one-second wait) before sending a body.
            lines.append("Expect:")
        }
        try setHeaders(lines)
    }

    private func configureMethod(of request: HTTPRequest) throws(HTTPClientError) {
        if let body = request.body {
            try setBody(body)
            if request.method != "POST" {
                try set(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST")
            }
        } else if request.method == "GET" {
            try set(CURLOPT_HTTPGET, 1, "CURLOPT_HTTPGET")
        } else if request.method == "HEAD" {
            try set(CURLOPT_NOBODY, 1, "CURLOPT_NOBODY")
        } else if request.method == "POST" {
            try setBody([])
        } else {
            try set(CURLOPT_CUSTOMREQUEST, request.method, "CURLOPT_CUSTOMREQUEST")
        }
    }
}
