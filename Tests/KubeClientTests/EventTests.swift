import Foundation
import KubeClient
import Primitives
import TestSupport
import Testing

@Suite("recordEvent writes core/v1 Events the way a controller does")
struct EventTests {
    static let eventAnswer: @Sendable (RecordedRequest, Int) -> CannedResponse = { request, _ in
        .json(request.method == "POST" ? 201 : 200, request.body.isEmpty ? "{}" : request.body)
    }

    private func pool() throws -> JSONValue {
        try JSONValue(parsing: Array(runPodPool().utf8))
    }

    @Test func firstEventCarriesTheReferenceAndTimestamps() async throws {
        try await withFakeAPI(Self.eventAnswer, configure: { $0.reportingInstance = "rpa-7d9f-abcde" }) {
            client, fake in
            try await client.recordEvent(
                about: try pool(), type: "Normal", reason: "ScaledUp", message: "created 2 RunPod pods")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/api/v1/namespaces/media/events")
            #expect(request.headers["content-type"] == "application/json")
            let event = request.json
            #expect(event["apiVersion"] == "v1")
            #expect(event["kind"] == "Event")
            #expect(event["metadata"]["namespace"] == "media")
            let name = try #require(event["metadata"]["name"].string)
            #expect(name.wholeMatch(of: /burst\.[0-9a-f]{12,16}/) != nil)
            #expect(
                event["involvedObject"] == [
                    "apiVersion": "gpuburst.io/v1alpha1", "kind": "RunPodPool", "name": "burst", "namespace": "media",
                    "uid": "0b6d-uid", "resourceVersion": "100",
                ])
            #expect(event["type"] == "Normal")
            #expect(event["reason"] == "ScaledUp")
            #expect(event["message"] == "created 2 RunPod pods")
            #expect(event["action"] == "ScaledUp")
            #expect(event["count"] == 1)
            #expect(event["reportingComponent"] == "runpod-autoscaler")
            #expect(event["reportingInstance"] == "rpa-7d9f-abcde")
            #expect(event["source"]["component"] == "runpod-autoscaler")
            let first = try #require(event["firstTimestamp"].string)
            #expect(first.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
            #expect(event["lastTimestamp"].string == first)
            let eventTime = try #require(event["eventTime"].string)
            #expect(eventTime.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)
            #expect(eventTime.hasPrefix(String(first.dropLast())), "both times are the same instant")
        }
    }

    @Test func aRepeatRaisesTheCountOfTheSameEvent() async throws {
        try await withFakeAPI(Self.eventAnswer) { client, fake in
            let pool = try pool()
            try await client.recordEvent(about: pool, type: "Warning", reason: "NoCapacity", message: "L40S: none")
            try await client.recordEvent(about: pool, type: "Warning", reason: "NoCapacity", message: "L40S: none")
            try await client.recordEvent(about: pool, type: "Warning", reason: "NoCapacity", message: "L40S: none")
            try await client.recordEvent(about: pool, type: "Warning", reason: "NoCapacity", message: "A40: none")
            let requests = fake.requests
            #expect(requests.map(\.method) == ["POST", "PATCH", "PATCH", "POST"])
            let name = try #require(requests[0].json["metadata"]["name"].string)
            #expect(requests[1].path == "/api/v1/namespaces/media/events/\(name)")
            #expect(requests[1].headers["content-type"] == "application/merge-patch+json")
            #expect(requests[1].json["count"] == 2)
            #expect(requests[2].json["count"] == 3)
            #expect(requests[2].json["lastTimestamp"].string != nil)
            #expect(requests[2].json.object?["firstTimestamp"] == nil, "the first occurrence's time is kept")
            #expect(requests[3].json["count"] == 1, "another message is another event")
            #expect(requests[3].json["metadata"]["name"].string != name)
        }
    }

    @Test func anExpiredEventIsCreatedAfresh() async throws {
        let answer: @Sendable (RecordedRequest, Int) -> CannedResponse = { request, _ in
            request.method == "PATCH"
                ? .status(404, reason: "NotFound", message: "events not found")
                : .json(201, request.body)
        }
        try await withFakeAPI(answer) { client, fake in
            let pool = try pool()
            try await client.recordEvent(about: pool, type: "Normal", reason: "ScaledDown", message: "terminated 1")
            try await client.recordEvent(about: pool, type: "Normal", reason: "ScaledDown", message: "terminated 1")
            let requests = fake.requests
            #expect(requests.map(\.method) == ["POST", "PATCH", "POST"])
            #expect(requests[2].json["count"] == 1)
            #expect(requests[2].json["metadata"]["name"] != requests[0].json["metadata"]["name"])
        }
    }

    @Test func clusterScopedObjectsGetTheirEventsInDefault() async throws {
        try await withFakeAPI(Self.eventAnswer) { client, fake in
            let node: JSONValue = ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "gpu-1", "uid": "n-uid"]]
            try await client.recordEvent(about: node, type: "Warning", reason: "GPUUnhealthy", message: "xid 79")
            let request = try #require(fake.requests.first)
            #expect(request.path == "/api/v1/namespaces/default/events")
            #expect(request.json["metadata"]["namespace"] == "default")
            #expect(request.json["involvedObject"].object?["namespace"] == nil)
        }
    }

    @Test func badTypesAndObjectsAreRefusedWithoutSending() async throws {
        try await withFakeAPI(Self.eventAnswer) { client, fake in
            let typeError = await #expect(throws: KubeError.self) {
                try await client.recordEvent(about: try pool(), type: "Error", reason: "X", message: "m")
            }
            #expect(typeError?.kind == .invalid)
            let objectError = await #expect(throws: KubeError.self) {
                try await client.recordEvent(
                    about: ["metadata": ["name": "x"]], type: "Normal", reason: "X", message: "m")
            }
            #expect(objectError?.kind == .invalid)
            #expect(fake.requests.isEmpty)
        }
    }
}
