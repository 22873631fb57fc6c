internal import CCurlShim

/// One libcurl easy handle: the only owner of the `CURL *`, its error buffer and the current header list, all
/// freed in `deinit`. Each option setter goes through ``checkCurl(_:_:context:)``.
///
/// `@unchecked Sendable`: a handle is used by one thread at a time. It is either idle in the ``HandlePool``
/// (behind the pool's mutex) or checked out by exactly one worker thread for the duration of one transfer.
final class EasyHandle: @unchecked Sendable {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init() throws(HTTPClientError) {
        try CurlGlobal.ensureInitialized()
        guard let handle = curl_easy_init() else {
            throw .transport("curl_easy_init returned no handle (out of memory)")
        }
        self.handle = handle
        let size = Int(rpa_curl_error_buffer_size())
        errorBuffer = .allocate(capacity: size)
        errorBuffer.initialize(repeating: 0, count: size)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
    }

    /// Default options plus the error buffer, ready for ``set`` calls. The connection cache survives
    /// (curl_easy_reset keeps live connections), which is what makes reusing handles reuse connections.
    func prepare() throws(HTTPClientError) {
        clear()
        errorBuffer[0] = 0
        try checkCurl(rpa_curl_set_error_buffer(handle, errorBuffer), "setting CURLOPT_ERRORBUFFER")
    }

    /// Drops every option (callback contexts and the header list included), so an idle handle points at
    /// nothing that may be gone by its next use or its `curl_easy_cleanup`.
    func clear() {
        curl_easy_reset(handle)
        curl_slist_free_all(headerList)
        headerList = nil
    }

    /// libcurl's explanation of the last failure, empty when it wrote none.
    var lastErrorMessage: String {
        String(cString: errorBuffer)
    }

    // MARK: Options

    /// An option that takes a `long`.
    func set(_ option: CURLoption, _ value: Int, _ name: String) throws(HTTPClientError) {
        try checkCurl(rpa_curl_set_long(handle, option, value), "setting \(name)")
    }

    /// An option that takes a `curl_off_t`.
    func set(_ option: CURLoption, size value: Int, _ name: String) throws(HTTPClientError) {
        try checkCurl(rpa_curl_set_off_t(handle, option, curl_off_t(value)), "setting \(name)")
    }

    /// An option that takes a string; libcurl copies it.
    func set(_ option: CURLoption, _ value: String, _ name: String) throws(HTTPClientError) {
        try checkCurl(rpa_curl_set_string(handle, option, value), "setting \(name)")
    }

    /// An option that takes a `struct curl_blob` (PEM certificates and keys); libcurl copies the bytes.
    func set(_ option: CURLoption, blob value: String, _ name: String) throws(HTTPClientError) {
        var bytes = Array(value.utf8)
        let code = bytes.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                rpa_curl_set_blob(handle, option, $0, buffer.count)
            }
        }
        try checkCurl(code, "setting \(name)")
    }

    /// Sets a string option to NULL.
    func clear(_ option: CURLoption, _ name: String) throws(HTTPClientError) {
        try checkCurl(rpa_curl_clear_string(handle, option), "clearing \(name)")
    }

    /// The request body, copied by libcurl (CURLOPT_COPYPOSTFIELDS after its size, so binary bodies work). This
    /// also makes the request a POST; set CURLOPT_CUSTOMREQUEST afterwards for another method.
    func setBody(_ body: [UInt8]) throws(HTTPClientError) {
        try set(CURLOPT_POSTFIELDSIZE_LARGE, size: body.count, "CURLOPT_POSTFIELDSIZE_LARGE")
        let code = body.withUnsafeBytes { bytes in
            // An empty array may have no storage; libcurl still needs a valid pointer.
            "".withCString { empty in
                rpa_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, bytes.baseAddress ?? UnsafeRawPointer(empty))
            }
        }
        try checkCurl(code, "setting CURLOPT_COPYPOSTFIELDS")
    }

    /// Header lines ("Name: value"), kept alive by this handle until ``clear()``.
    func setHeaders(_ lines: [String]) throws(HTTPClientError) {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let extended = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw .transport("curl_slist_append failed (out of memory)")
            }
            list = extended
        }
        curl_slist_free_all(headerList)
        headerList = list
        try checkCurl(rpa_curl_set_header_list(handle, list), "setting CURLOPT_HTTPHEADER")
    }

    /// Routes header lines, body chunks and progress checks to `collector`, which the caller keeps alive until
    /// ``perform(context:)`` returns.
    func setCallbacks(_ collector: ResponseCollector) throws(HTTPClientError) {
        let context = Unmanaged.passUnretained(collector).toOpaque()
        try checkCurl(
            rpa_curl_set_write_callback(handle, Self.bodyCallback, context), "setting CURLOPT_WRITEFUNCTION")
        try checkCurl(
            rpa_curl_set_header_callback(handle, Self.headerCallback, context), "setting CURLOPT_HEADERFUNCTION")
        try checkCurl(
            rpa_curl_set_progress_callback(handle, Self.progressCallback, context),
            "setting CURLOPT_XFERINFOFUNCTION")
    }

    // MARK: Transfer

    /// Runs the transfer, blocking the calling thread (a worker thread, never the cooperative pool). `collector`
    /// must be the one given to ``setCallbacks(_:)``.
    func perform(collecting collector: ResponseCollector) throws(HTTPClientError) {
        let code = withExtendedLifetime(collector) { curl_easy_perform(handle) }
        let context = CurlFailureContext(
            curlMessage: lastErrorMessage,
            exceededLimit: collector.exceededLimit ? collector.maxBodyBytes : nil,
            abortReason: collector.abort.reason
        )
        try checkCurl(code, "curl_easy_perform", context: context)
    }

    /// The final response's status code.
    func responseCode() throws(HTTPClientError) -> Int {
        var status = 0
        try checkCurl(rpa_curl_get_response_code(handle, &status), "reading CURLINFO_RESPONSE_CODE")
        return status
    }

    // MARK: C callbacks (the context is an unretained ResponseCollector)

    private static let bodyCallback: rpa_curl_data_callback = { data, size, count, context in
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let data, length > 0 else { return 0 }
        let bytes = UnsafeRawBufferPointer(start: data, count: length)
        // Any value other than `length` makes libcurl stop with CURLE_WRITE_ERROR.
        return collector.receiveBody(bytes) ? length : 0
    }

    private static let headerCallback: rpa_curl_data_callback = { data, size, count, context in
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
        let length = size * count
        guard let data, length > 0 else { return length }
        collector.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    private static let progressCallback: rpa_curl_progress_callback = { context, _, _, _, _ in
        let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
        return collector.shouldAbort ? 1 : 0
    }
}
