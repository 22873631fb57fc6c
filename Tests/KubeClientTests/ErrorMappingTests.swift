import CurlHTTP
import KubeClient
import TestSupport
import Testing

@Suite("HTTP statuses and Status objects map to KubeError")
struct ErrorMappingTests {
    static let pool = ResourcePath.runPodPools(namespace: "media").named("burst")

    /// The error a GET of `pool` fails with when the server answers `response`.
    private func failure(for response: CannedResponse) async throws -> KubeError {
        var caught: KubeError?
        try await withFakeAPI(always(response)) { client, _ in
            caught = await #expect(throws: KubeError.self) { try await client.get(Self.pool) }
        }
        return try #require(caught)
    }

    @Test func notFound() async throws {
        let error = try await failure(
            for: .status(404, reason: "NotFound", message: #"runpodpools.gpuburst.io \"burst\" not found"#))
        #expect(error.kind == .notFound)
        #expect(error.status == 404)
        #expect(error.reason == "NotFound")
        #expect(error.message.contains(#"runpodpools.gpuburst.io "burst" not found"#))
        #expect(error.message.contains("GET /apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst"))
        #expect(error.retryAfter == nil)
        #expect(error.description.hasPrefix("Kubernetes notFound (HTTP 404 NotFound): "))
    }

    @Test func conflictAndAlreadyExistsAreTold409sApart() async throws {
        let conflict = try await failure(
            for: .status(409, reason: "Conflict", message: "the object has been modified; please apply your changes"))
        #expect(conflict.kind == .conflict)
        #expect(conflict.status == 409)
        let exists = try await failure(
            for: .status(409, reason: "AlreadyExists", message: #"runpodpools \"burst\" already exists"#))
        #expect(exists.kind == .alreadyExists)
        #expect(exists.reason == "AlreadyExists")
    }

    @Test func invalidCarriesTheServersMessageOrCauses() async throws {
        let invalid = try await failure(
            for: .status(
                422, reason: "Invalid", message: #"RunPodPool \"burst\" is invalid: spec.replicas: Invalid value: -1"#))
        #expect(invalid.kind == .invalid)
        #expect(invalid.status == 422)
        #expect(invalid.message.contains("spec.replicas: Invalid value: -1"))
        let causesOnly = try await failure(
            for: .status(
                422, reason: "Invalid", message: "",
                details:
                    #"{"causes":[{"reason":"FieldValueInvalid","message":"must be >= 0","field":"spec.replicas"}]}"#))
        #expect(causesOnly.message.contains("spec.replicas: must be >= 0"))
        let badRequest = try await failure(for: .status(400, reason: "BadRequest", message: "bad"))
        #expect(badRequest.kind == .invalid)
    }

    @Test func unauthorizedAndForbidden() async throws {
        let unauthorized = try await failure(for: .status(401, reason: "Unauthorized", message: "Unauthorized"))
        #expect(unauthorized.kind == .unauthorized)
        let forbidden = try await failure(
            for: .status(
                403, reason: "Forbidden",
                message:
                    #"runpodpools.gpuburst.io \"burst\" is forbidden: User \"system:serviceaccount:platform:rpa\" cannot get"#
            ))
        #expect(forbidden.kind == .forbidden)
        #expect(forbidden.message.contains("system:serviceaccount:platform:rpa"))
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let header = try await failure(
            for: .status(
                429, reason: "TooManyRequests", message: "too many requests", details: #"{"retryAfterSeconds":1}"#,
                headers: ["Retry-After": "7"]))
        #expect(header.kind == .tooManyRequests)
        #expect(header.retryAfter == 7, "the header wins over the Status details")
        #expect(header.description.hasSuffix("(retry after 7.0 s)"))
        let details = try await failure(
            for: .status(429, reason: "TooManyRequests", message: "slow down", details: #"{"retryAfterSeconds":3}"#))
        #expect(details.retryAfter == 3)
        let date = try await failure(
            for: .status(
                429, reason: "TooManyRequests", message: "x", headers: ["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"])
        )
        #expect(date.retryAfter == 0, "a date in the past means retry now")
    }

    @Test func serverErrors() async throws {
        let internalError = try await failure(
            for: .status(500, reason: "InternalError", message: "etcdserver: leader changed"))
        #expect(internalError.kind == .server)
        #expect(internalError.status == 500)
        #expect(internalError.message.contains("etcdserver: leader changed"))
        let timeout = try await failure(
            for: .status(504, reason: "Timeout", message: "timeout", details: #"{"retryAfterSeconds":2}"#))
        #expect(timeout.kind == .server)
        #expect(timeout.retryAfter == 2)
    }

    @Test func nonJSONErrorBodyStillMapsByStatus() async throws {
        let error = try await failure(
            for: CannedResponse(
                status: 502, headers: ["Content-Type": "text/html"], body: "<html>\n<h1>502 Bad Gateway</h1>\n</html>"))
        #expect(error.kind == .server)
        #expect(error.status == 502)
        #expect(error.reason == nil)
        #expect(error.message.contains("<h1>502 Bad Gateway</h1>"))
        #expect(!error.message.contains("\n"))
        let notFound = try await failure(for: CannedResponse(status: 404, body: "404 page not found"))
        #expect(notFound.kind == .notFound)
        #expect(notFound.message.contains("404 page not found"))
    }

    @Test func noServerIsATransportErrorWrappingHTTPClientError() async throws {
        let port = ReservedPort()
        let client = KubeClient(
            config: KubeConfig(server: "http://127.0.0.1:\(port.port)", token: testToken, proxy: ""),
            timeout: .seconds(5))
        defer { client.shutdown() }
        let error = await #expect(throws: KubeError.self) { try await client.get(Self.pool) }
        #expect(error?.kind == .transport)
        #expect(error?.status == nil)
        let cause = try #require(error?.cause as? HTTPClientError)
        #expect(cause.isConnectFailure)
        #expect(error?.description.contains(testToken) == false)
    }

    @Test func theTokenNeverAppearsInAnyErrorDescription() async throws {
        // A hostile or buggy server echoing the credential back must not put it in logs.
        let echo: @Sendable (RecordedRequest, Int) -> CannedResponse = { request, index in
            let header = request.headers["authorization"] ?? ""
            switch index % 3 {
            case 0: return .status(401, reason: "Unauthorized", message: "bad token \(header)")
            case 1: return CannedResponse(status: 500, body: "token was \(header)")
            default: return CannedResponse(status: 200, body: "not json \(header)")
            }
        }
        try await withFakeAPI(echo) { client, fake in
            var descriptions: [String] = []
            for _ in 0..<3 {
                do {
                    _ = try await client.get(Self.pool)
                } catch let error as KubeError {
                    descriptions.append(error.description)
                    descriptions.append(error.message)
                    descriptions.append(String(describing: error))
                    descriptions.append(String(reflecting: error))
                }
            }
            #expect(descriptions.count == 12)
            #expect(fake.requests.allSatisfy { $0.headers["authorization"] == "Bearer \(testToken)" })
            for text in descriptions {
                #expect(!text.contains(testToken), "leaked: \(text.replacingOccurrences(of: testToken, with: "***"))")
            }
            #expect(descriptions[0].contains("<redacted>"))
            #expect(!"\(client.config)".contains(testToken))
            #expect(!String(reflecting: client.config).contains(testToken))
        }
    }
}
