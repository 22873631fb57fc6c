import Synchronization

/// Idle easy handles, most recently used last, shared by the worker threads.
///
/// Why a pool rather than a `CURLSH` share with `CURL_LOCK_DATA_CONNECT`: an easy handle keeps its connection
/// cache across `curl_easy_reset`, so reusing handles is enough to reuse connections, with no lock callbacks (C
/// function pointers and a mutex per data kind that would need an owner of their own). Handles are taken from
/// the end (LIFO), so sequential requests land on the handle holding the warm connection; concurrent requests
/// each get their own handle, as they need their own connection anyway. At most one handle per worker exists.
final class HandlePool: Sendable {
    /// `nil` once closed: handles checked in after that are freed instead of kept.
    private let idle = Mutex<[EasyHandle]?>([])

    /// The most recently used idle handle, or a new one.
    func checkOut() throws(HTTPClientError) -> EasyHandle {
        if let handle = idle.withLock({ $0?.popLast() }) {
            return handle
        }
        return try EasyHandle()
    }

    /// Returns `handle` for reuse; after ``close()`` it is freed instead.
    func checkIn(_ handle: EasyHandle) {
        let rejected: EasyHandle? = idle.withLock { idle in
            guard idle != nil else { return handle }
            idle?.append(handle)
            return nil
        }
        _ = rejected  // freed here, outside the lock: curl_easy_cleanup may close connections
    }

    /// Frees the idle handles (outside the lock) and stops keeping new ones.
    func close() {
        let handles = idle.withLock { idle in
            defer { idle = nil }
            return idle ?? []
        }
        _ = handles
    }
}
