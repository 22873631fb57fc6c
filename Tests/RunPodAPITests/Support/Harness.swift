import CurlHTTP
import RunPodAPI
import Synchronization
import TestSupport

/// The API key every test uses; no error or description may contain it.
let testAPIKey = "rpa_TESTKEY_7f3a9c1e5b2d4f60"

/// One `onRequest` report.
struct RequestReport: Sendable, Equatable {
    var operation: String
    var code: String
}

/// Collects `onRequest` reports.
final class ReportLog: Sendable {
    private let reports = Mutex<[RequestReport]>([])
    private let durations = Mutex<[Double]>([])

    var all: [RequestReport] { reports.withLock { $0 } }
    var seconds: [Double] { durations.withLock { $0 } }

    var observer: RunPodClient.RequestObserver {
        { [self] operation, code, seconds in
            reports.withLock { $0.append(RequestReport(operation: operation, code: code)) }
            durations.withLock { $0.append(seconds) }
        }
    }
}

/// Runs `body` with a client talking to a fake service that answers with `answer`.
func withFakeRunPod(
    _ answer: @escaping @Sendable (RecordedRequest) -> CannedResponse,
    _ body: (RunPodClient, RecordingHTTPServer, ReportLog) async throws -> Void
) async throws {
    let fake = RecordingHTTPServer(answer: answer)
    let log = ReportLog()
    let http = HTTPClient(configuration: .init(timeout: .seconds(10), proxy: ""))
    defer { http.shutdown() }
    try await TestServer.with(fake.handler) { server in
        let client = RunPodClient(
            baseURL: server.baseURL + "/", apiKey: testAPIKey, http: http, onRequest: log.observer)
        try await body(client, fake, log)
    }
}
