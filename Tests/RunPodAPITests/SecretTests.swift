import CurlHTTP
import Foundation
import RunPodAPI
import TestSupport
import Testing

@Suite("The API key and pod env never show")
struct SecretTests {
    /// Answers that echo the Authorization header back, for every kind of error.
    static let echoingAnswers: [(name: String, answer: @Sendable (RecordedRequest) -> CannedResponse)] = [
        (
            "noCapacity",
            {
                .problem(
                    400, title: "Bad Request",
                    detail: "There are no longer any instances available; you sent \($0.headers["authorization"] ?? "")"
                )
            }
        ),
        (
            "invalidRequest",
            {
                .problem(
                    422, title: "Unprocessable", detail: "bad", errors: ["header: \($0.headers["authorization"] ?? "")"]
                )
            }
        ),
        (
            "unauthorized",
            { .problem(401, title: "Unauthorized", detail: "key \($0.headers["authorization"] ?? "") is invalid") }
        ),
        ("paymentRequired", { .problem(402, title: "Payment Required", detail: $0.headers["authorization"] ?? "") }),
        ("forbidden", { .problem(403, title: $0.headers["authorization"] ?? "", detail: "no") }),
        (
            "notFound",
            { .problem(404, title: "Not Found", detail: "pod not found for \($0.headers["authorization"] ?? "")") }
        ),
        ("conflict", { .problem(409, title: "Conflict", detail: $0.headers["authorization"] ?? "") }),
        (
            "rateLimited",
            {
                .problem(
                    429, title: "Too Many", detail: $0.headers["authorization"] ?? "", headers: ["Retry-After": "1"])
            }
        ),
        ("serverError", { CannedResponse(status: 500, body: "panic: token \($0.headers["authorization"] ?? "")") }),
        ("decoding", { .json(200, #"{"pods":"\#($0.headers["authorization"] ?? "")"}"#) }),
        ("decoding (not JSON)", { CannedResponse(status: 200, body: $0.headers["authorization"] ?? "") }),
    ]

    @Test func apiKeyIsAbsentFromEveryErrorKind() async throws {
        for (name, answer) in Self.echoingAnswers {
            try await withFakeRunPod(answer) { client, fake, _ in
                let error = await #expect(throws: RunPodError.self, "\(name)") { try await client.listPods() }
                #expect(fake.requests.first?.headers["authorization"]?.contains(testAPIKey) == true)
                let failure = try #require(error)
                for text in [String(describing: failure), String(reflecting: failure), failure.message] {
                    #expect(!text.contains(testAPIKey), "\(name): \(text)")
                }
                if let cause = failure.cause {
                    #expect(!String(describing: cause).contains(testAPIKey), "\(name)")
                }
            }
        }
        // Transport failures too.
        let closed = ReservedPort()
        let http = HTTPClient(configuration: .init(timeout: .seconds(5), proxy: ""))
        defer { http.shutdown() }
        let client = RunPodClient(baseURL: "http://127.0.0.1:\(closed.port)", apiKey: testAPIKey, http: http)
        let error = await #expect(throws: RunPodError.self) { try await client.deletePod(id: "p") }
        #expect(error?.kind == .transport)
        #expect(error.map { String(describing: $0).contains(testAPIKey) } == false)
        #expect(error?.cause.map { String(describing: $0).contains(testAPIKey) } == false)
        var dumped = ""
        dump(client, to: &dumped)
        #expect(!dumped.contains(testAPIKey))
        #expect(!String(reflecting: client).contains(testAPIKey))
        withExtendedLifetime(closed) {}
    }

    @Test func podAndSpecDescriptionsLeaveEnvValuesOut() {
        let pod = RunPodPod(
            id: "p1", name: "worker", status: .running, gpuTypeId: "NVIDIA L40S", gpuCount: 1,
            env: ["HF_TOKEN": "hf_very_secret"])
        let spec = CreatePodSpec(
            name: "worker", image: "img", gpuTypeId: "NVIDIA L40S", env: ["HF_TOKEN": "hf_very_secret"])
        for value in [pod as Any, spec as Any] {
            var dumped = ""
            dump(value, to: &dumped)
            for text in [String(describing: value), String(reflecting: value), dumped, "\(value)"] {
                #expect(!text.contains("hf_very_secret"), "\(text)")
            }
        }
        #expect(String(describing: pod).contains("p1"))
        #expect(String(describing: pod).contains("1 values redacted"))
        #expect(String(describing: spec).contains("NVIDIA L40S"))
    }
}
