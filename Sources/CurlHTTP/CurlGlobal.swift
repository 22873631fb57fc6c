internal import CCurlShim

/// libcurl's process-wide initialization, done once before the first handle exists.
enum CurlGlobal {
    /// `curl_global_init`'s result. A Swift `static let` is initialized exactly once, thread-safely.
    private static let initResult: UInt32 = rpa_curl_global_init().rawValue

    /// Initializes libcurl on first use; throws on every call if that failed.
    static func ensureInitialized() throws(HTTPClientError) {
        try checkCurl(CURLcode(rawValue: initResult), "curl_global_init")
    }
}
