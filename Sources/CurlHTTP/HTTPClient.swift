/// A small HTTP/1.1 and HTTP/2 client over libcurl's easy interface.
///
/// Requests run on ``Configuration/maxConcurrentTransfers`` dedicated worker threads (the blocking
/// `curl_easy_perform` never runs on the Swift concurrency pool) and reuse connections through a pool of easy
/// handles. TLS peer and host verification are always on.
///
/// Call ``shutdown()`` when done (deinit does too): waiting requests fail with ``HTTPClientError/isShutdown``,
/// running ones are aborted, and the worker threads exit.
public final class HTTPClient: Sendable {
    /// The limits and transport settings this client was created with.
    public let configuration: Configuration
    private let queue: TransferQueue
    private let pool = HandlePool()

    /// Creates a client and starts its worker threads.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        let workerCount = max(1, configuration.maxConcurrentTransfers)
        queue = TransferQueue(workerCount: workerCount)
        for index in 0..<workerCount {
            TransferWorker.start(index: index, queue: queue, pool: pool, configuration: configuration)
        }
    }

    deinit {
        shutdown()
    }

    /// Sends `request` and returns the complete response, whatever its status code.
    ///
    /// Cancelling the calling task aborts the transfer with ``HTTPClientError/isCancelled``.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        let context = "\(request.method) \(request.redactedURL)"
        do {
            try CurlGlobal.ensureInitialized()
            try request.validate()
        } catch {
            throw error.prefixed(with: context)
        }
        let abort = TransferAbort()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let job = TransferJob(request: request, abort: abort, continuation: continuation)
                if !queue.submit(job) {
                    job.complete(.failure(HTTPClientError.shutdown().prefixed(with: context)))
                }
            }
        } onCancel: {
            abort.request(.cancelled)
        }
        return try result.get()
    }

    /// How many requests wait for a free worker thread.
    var waitingTransfers: Int { queue.waitingCount }

    /// Stops the client: later and waiting requests fail with ``HTTPClientError/isShutdown``, running transfers
    /// are aborted, worker threads exit and idle handles are freed. Returns without waiting; safe to call twice.
    public func shutdown() {
        for job in queue.close() {
            let context = "\(job.request.method) \(job.request.redactedURL)"
            job.complete(.failure(HTTPClientError.shutdown().prefixed(with: context)))
        }
        pool.close()
    }
}
