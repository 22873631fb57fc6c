import KubeClient
import Synchronization
import TestSupport
import Testing

@Suite("modify re-reads and retries on conflicts")
struct ModifyTests {
    static let pool = ResourcePath.runPodPools(namespace: "media").named("burst").subresource("status")
    static let conflict = CannedResponse.status(
        409, reason: "Conflict",
        message: #"Operation cannot be fulfilled on runpodpools.gpuburst.io \"burst\": the object has been modified"#)

    @Test func retriesOnceAfterAConflictWithTheFreshResourceVersion() async throws {
        // GET (rv 100) → PUT 409 → GET (rv 101) → PUT 200.
        let answer: @Sendable (RecordedRequest, Int) -> CannedResponse = { request, index in
            switch (request.method, index) {
            case ("GET", 0): .json(200, runPodPool(resourceVersion: "100", replicas: 2))
            case ("PUT", 1): Self.conflict
            case ("GET", 2): .json(200, runPodPool(resourceVersion: "101", replicas: 5))
            case ("PUT", 3): .json(200, runPodPool(resourceVersion: "102", replicas: 5))
            default: .status(500, reason: "InternalError", message: "unexpected \(request.method) #\(index)")
            }
        }
        try await withFakeAPI(answer) { client, fake in
            let calls = Mutex(0)
            let stored = try await client.modify(Self.pool) { pool in
                calls.withLock { $0 += 1 }
                pool["status"]["replicas"] = pool["spec"]["replicas"]
                pool["metadata"]["resourceVersion"] = "tampered"
            }
            #expect(calls.withLock { $0 } == 2, "change runs again on the re-read object")
            #expect(stored["metadata"]["resourceVersion"] == "102")
            let requests = fake.requests
            #expect(requests.map(\.method) == ["GET", "PUT", "GET", "PUT"])
            #expect(requests.allSatisfy { $0.path == Self.pool.path })
            #expect(requests[1].json["metadata"]["resourceVersion"] == "100")
            #expect(requests[1].json["status"]["replicas"] == 2)
            #expect(requests[3].json["metadata"]["resourceVersion"] == "101", "the write is conditional on the read")
            #expect(requests[3].json["status"]["replicas"] == 5, "the change is applied to the fresh object")
            #expect(requests[3].headers["content-type"] == "application/json")
        }
    }

    @Test func givesUpAfterTheGivenNumberOfAttempts() async throws {
        let answer: @Sendable (RecordedRequest, Int) -> CannedResponse = { request, index in
            request.method == "GET" ? .json(200, runPodPool(resourceVersion: "\(100 + index)")) : Self.conflict
        }
        try await withFakeAPI(answer) { client, fake in
            let error = await #expect(throws: KubeError.self) {
                try await client.modify(Self.pool, attempts: 3) { $0["status"]["replicas"] = 9 }
            }
            #expect(error?.kind == .conflict)
            #expect(error?.status == 409)
            #expect(error?.message.contains("gave up after 3") == true)
            #expect(fake.requests.map(\.method) == ["GET", "PUT", "GET", "PUT", "GET", "PUT"])
        }
    }

    @Test func anUnchangedObjectIsNotWritten() async throws {
        try await withFakeAPI(always(.json(200, runPodPool()))) { client, fake in
            let result = try await client.modify(Self.pool) { pool in
                pool["spec"]["replicas"] = 2  // already 2
            }
            #expect(result["spec"]["replicas"] == 2)
            #expect(fake.requests.map(\.method) == ["GET"])
        }
    }

    @Test func aThrowingChangeWritesNothing() async throws {
        struct NotReady: Error {}
        try await withFakeAPI(always(.json(200, runPodPool()))) { client, fake in
            let error = await #expect(throws: KubeError.self) {
                try await client.modify(Self.pool) { _ in throw NotReady() }
            }
            #expect(error?.kind == .aborted)
            #expect(error?.cause is NotReady)
            #expect(fake.requests.map(\.method) == ["GET"])
        }
    }

    @Test func otherErrorsAreNotRetried() async throws {
        let answer: @Sendable (RecordedRequest, Int) -> CannedResponse = { request, _ in
            request.method == "GET"
                ? .json(200, runPodPool())
                : .status(422, reason: "Invalid", message: "status.replicas: Invalid value")
        }
        try await withFakeAPI(answer) { client, fake in
            let error = await #expect(throws: KubeError.self) {
                try await client.modify(Self.pool) { $0["status"]["replicas"] = -1 }
            }
            #expect(error?.kind == .invalid)
            #expect(fake.requests.map(\.method) == ["GET", "PUT"])
        }
    }
}
