import Foundation

/// A dedicated OS thread that runs transfers from a ``TransferQueue`` until the queue closes. The blocking
/// `curl_easy_perform` runs here, never on the Swift concurrency pool.
enum TransferWorker {
    /// Starts worker thread number `index`.
    static func start(
        index: Int,
        queue: TransferQueue,
        pool: HandlePool,
        configuration: HTTPClient.Configuration
    ) {
        let thread = Thread {
            while let job = queue.next() {
                let result = run(job, pool: pool, configuration: configuration)
                queue.finished(job)
                job.complete(result)
            }
        }
        thread.name = "curl-transfer-\(index)"
        thread.start()
    }

    private static func run(
        _ job: TransferJob,
        pool: HandlePool,
        configuration: HTTPClient.Configuration
    ) -> Result<HTTPResponse, HTTPClientError> {
        let request = job.request
        let context = "\(request.method) \(request.redactedURL)"
        switch job.abort.reason {
        case .cancelled: return .failure(HTTPClientError.cancelled().prefixed(with: context))
        case .shutdown: return .failure(HTTPClientError.shutdown().prefixed(with: context))
        case nil: break
        }
        let handle: EasyHandle
        do {
            handle = try pool.checkOut()
        } catch {
            return .failure(error.prefixed(with: context))
        }
        defer { pool.checkIn(handle) }
        do {
            return .success(try handle.run(request, configuration: configuration, abort: job.abort))
        } catch {
            return .failure(error.prefixed(with: context))
        }
    }
}
