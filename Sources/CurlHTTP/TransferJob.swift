/// One submitted request and the `execute` call waiting for its result.
final class TransferJob: Sendable {
    let request: HTTPRequest
    let abort: TransferAbort
    private let continuation: CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>

    init(
        request: HTTPRequest,
        abort: TransferAbort,
        continuation: CheckedContinuation<Result<HTTPResponse, HTTPClientError>, Never>
    ) {
        self.request = request
        self.abort = abort
        self.continuation = continuation
    }

    /// Resumes the waiting `execute` call. Called exactly once, by whoever took the job out of the
    /// ``TransferQueue`` (a worker after the transfer, or ``TransferQueue/close()``'s caller).
    func complete(_ result: Result<HTTPResponse, HTTPClientError>) {
        continuation.resume(returning: result)
    }
}
