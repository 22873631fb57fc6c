import CurlHTTP
import Foundation
import RunPodAPI
import TestSupport
import Testing

/// One error answer and what the client must make of it.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var answer: CannedResponse
    var kind: RunPodError.Kind
    var retryAfter: Double? = nil
    var messageContains: [String] = []

    var testDescription: String { name }

    static let all: [ErrorCase] = [
        ErrorCase(
            name: "400 no capacity (current text)",
            answer: .problem(
                400, title: "Bad Request",
                detail: "There are no longer any instances available with the requested specifications. "
                    + "Please refresh and try again."),
            kind: .noCapacity, messageContains: ["no longer any instances available"]),
        ErrorCase(
            name: "500 no capacity (older services)",
            answer: .problem(
                500, title: "Internal Server Error", detail: "create pod: There are no instances currently available"),
            kind: .noCapacity),
        ErrorCase(
            name: "400 validation",
            answer: .problem(
                400, title: "Bad Request", detail: "request body failed validation",
                errors: ["$: additional properties 'bogus' not allowed", "$.gpu.count: must be >= 1"]),
            kind: .invalidRequest,
            messageContains: ["additional properties 'bogus' not allowed", "$.gpu.count: must be >= 1"]),
        ErrorCase(
            name: "400 spot retired",
            answer: .problem(400, title: "Bad Request", detail: "Spot pods are no longer offered"),
            kind: .invalidRequest, messageContains: ["Spot pods are no longer offered"]),
        ErrorCase(
            name: "422",
            answer: .problem(
                422, title: "Unprocessable Entity", detail: "template is a serverless template",
                errors: ["templateId: serverless"]),
            kind: .invalidRequest, messageContains: ["templateId: serverless"]),
        ErrorCase(
            name: "401", answer: .problem(401, title: "Unauthorized", detail: "invalid api key"), kind: .unauthorized),
        ErrorCase(
            name: "402", answer: .problem(402, title: "Payment Required", detail: "balance too low"),
            kind: .paymentRequired, messageContains: ["balance too low"]),
        ErrorCase(name: "403", answer: .problem(403, title: "Forbidden", detail: "not allowed"), kind: .forbidden),
        ErrorCase(name: "404", answer: .problem(404, title: "Not Found", detail: "pod not found"), kind: .notFound),
        ErrorCase(
            name: "409", answer: .problem(409, title: "Conflict", detail: "cannot stop an EXITED pod"),
            kind: .conflict),
        ErrorCase(
            name: "429 with Retry-After seconds",
            answer: .problem(
                429, title: "Too Many Requests", detail: "rate limit exceeded for the minute window",
                headers: ["Retry-After": "12", "RateLimit": "limit=60, remaining=0, reset=12"]),
            kind: .rateLimited, retryAfter: 12),
        ErrorCase(
            name: "429 without Retry-After",
            answer: .problem(429, title: "Too Many Requests", detail: "slow down"), kind: .rateLimited),
        ErrorCase(
            name: "502 other server error",
            answer: .problem(502, title: "Bad Gateway", detail: "upstream failed"), kind: .serverError),
        ErrorCase(
            name: "503 HTML body",
            answer: CannedResponse(
                status: 503, headers: ["Content-Type": "text/html", "Retry-After": "30"],
                body: "<html><body>Service Unavailable</body></html>"),
            kind: .serverError, retryAfter: 30, messageContains: ["Service Unavailable"]),
        ErrorCase(
            name: "403 plain text body", answer: CannedResponse(status: 403, body: "denied"), kind: .forbidden,
            messageContains: ["denied"]),
        ErrorCase(
            name: "400 plain text no capacity",
            answer: CannedResponse(
                status: 400, body: "There are no longer any instances available with the requested specifications"),
            kind: .noCapacity),
        ErrorCase(name: "418 empty body", answer: CannedResponse(status: 418), kind: .invalidRequest),
        ErrorCase(
            name: "200 that is not JSON", answer: CannedResponse(status: 200, body: "<html>oops</html>"),
            kind: .decoding),
        ErrorCase(
            name: "200 with the wrong shape", answer: .json(200, #"{"pods":{"id":"x"}}"#), kind: .decoding,
            messageContains: ["pods"]),
        ErrorCase(
            name: "200 with a pod missing its id", answer: .json(200, #"{"pods":[{"name":"x"}]}"#), kind: .decoding,
            messageContains: ["id"]),
    ]
}

@Suite("Error answers map to kinds")
struct ErrorMappingTests {
    @Test(arguments: ErrorCase.all)
    func mapsToKind(_ errorCase: ErrorCase) async throws {
        try await withFakeRunPod({ _ in errorCase.answer }) { client, _, log in
            let error = await #expect(throws: RunPodError.self) { try await client.listPods() }
            #expect(error?.kind == errorCase.kind, "\(String(describing: error))")
            #expect(error?.status == errorCase.answer.status)
            #expect(error?.retryAfter == errorCase.retryAfter)
            for text in errorCase.messageContains {
                #expect(error?.message.contains(text) == true, "\(String(describing: error)) lacks \(text)")
            }
            #expect(log.all == [RequestReport(operation: "list", code: String(errorCase.answer.status))])
        }
    }

    @Test func retryAfterAsAnHTTPDate() async throws {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let inTwoMinutes = formatter.string(from: Date().addingTimeInterval(120))
        try await withFakeRunPod({ _ in
            .problem(429, title: "Too Many Requests", detail: "slow down", headers: ["Retry-After": inTwoMinutes])
        }) { client, _, _ in
            let error = await #expect(throws: RunPodError.self) {
                try await client.createPod(.init(name: "n", image: "i", gpuTypeId: "g"))
            }
            #expect(error?.kind == .rateLimited)
            let seconds = try #require(error?.retryAfter)
            #expect(seconds > 100 && seconds <= 120)
        }
    }

    @Test func transportFailuresCarryTheHTTPClientError() async throws {
        let closed = ReservedPort()
        let log = ReportLog()
        let http = HTTPClient(configuration: .init(proxy: ""))
        defer { http.shutdown() }
        let client = RunPodClient(
            baseURL: "http://127.0.0.1:\(closed.port)", apiKey: testAPIKey, http: http, onRequest: log.observer)
        let error = await #expect(throws: RunPodError.self) { try await client.gpuTypes() }
        #expect(error?.kind == .transport)
        #expect(error?.status == nil)
        let cause = try #require(error?.cause as? HTTPClientError)
        #expect(cause.isConnectFailure)
        #expect(log.all == [RequestReport(operation: "catalog", code: "transport")])
        withExtendedLifetime(closed) {}
    }
}
