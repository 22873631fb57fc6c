import KubeClient
import Primitives
import TestSupport
import Testing

@Suite("Each verb sends the documented method, headers and body")
struct VerbTests {
    static let pools = ResourcePath.runPodPools(namespace: "media")

    @Test func getSendsAcceptAndBearerAndNoBody() async throws {
        try await withFakeAPI(always(.json(200, runPodPool()))) { client, fake in
            let pool = try await client.get(Self.pools.named("burst"))
            #expect(pool["spec"]["replicas"].int == 2)
            let request = try #require(fake.requests.first)
            #expect(request.method == "GET")
            #expect(request.headers["accept"] == "application/json")
            #expect(request.headers["authorization"] == "Bearer \(testToken)")
            #expect(request.headers["content-type"] == nil)
            #expect(request.headers["user-agent"] == "runpod-autoscaler")
            #expect(request.query == nil)
            #expect(request.body.isEmpty)
        }
    }

    @Test func noTokenMeansNoAuthorizationHeader() async throws {
        try await withFakeAPI(always(.json(200, "{}")), configure: { $0.token = nil }) { client, fake in
            _ = try await client.get(.nodes.named("n"))
            #expect(fake.requests.first?.headers["authorization"] == nil)
            #expect(fake.requests.first?.headers["accept"] == "application/json")
        }
    }

    @Test func listEncodesSelectorsAndFillsInItemKinds() async throws {
        let list = """
            {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"4711"},
             "items":[{"metadata":{"name":"a","namespace":"media"}},{"metadata":{"name":"b","namespace":"media"}}]}
            """
        try await withFakeAPI(always(.json(200, list))) { client, fake in
            let selector = "app=gpu-worker,tier in (a,b),!legacy"
            let fields = "spec.nodeName=gpu-1,status.phase!=Succeeded"
            let pods = try await client.list(.pods(namespace: "media"), labelSelector: selector, fieldSelector: fields)
            #expect(pods.resourceVersion == "4711")
            #expect(pods.items.map { $0["metadata"]["name"].string } == ["a", "b"])
            #expect(pods.items.allSatisfy { $0["kind"] == "Pod" && $0["apiVersion"] == "v1" })

            let request = try #require(fake.requests.first)
            #expect(request.method == "GET")
            #expect(request.path == "/api/v1/namespaces/media/pods")
            let query = try #require(request.query)
            #expect(!query.contains(" ") && !query.contains(",") && !query.contains("(") && !query.contains("!"))
            #expect(query.hasPrefix("labelSelector=app%3Dgpu-worker%2Ctier%20in%20%28a%2Cb%29%2C%21legacy&"))
            #expect(request.queryItems == ["labelSelector": selector, "fieldSelector": fields])
        }
    }

    @Test func listWithoutSelectorsSendsNoQueryAndHandlesNullItems() async throws {
        let list = #"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":null}"#
        try await withFakeAPI(always(.json(200, list))) { client, fake in
            let nodes = try await client.list(.nodes)
            #expect(nodes == KubeList(items: [], resourceVersion: "9"))
            #expect(fake.requests.first?.path == "/api/v1/nodes")
            #expect(fake.requests.first?.query == nil)
        }
    }

    @Test func createPostsJSONToTheCollection() async throws {
        try await withFakeAPI(always(.json(201, runPodPool()))) { client, fake in
            let object: JSONValue = [
                "apiVersion": "gpuburst.io/v1alpha1", "kind": "RunPodPool",
                "metadata": ["name": "burst"], "spec": ["replicas": 2],
            ]
            let created = try await client.create(Self.pools, object)
            #expect(created["metadata"]["uid"] == "0b6d-uid")
            let request = try #require(fake.requests.first)
            #expect(request.method == "POST")
            #expect(request.path == "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.headers["accept"] == "application/json")
            #expect(request.json == object)
        }
    }

    @Test func updatePutsTheWholeObject() async throws {
        try await withFakeAPI(always(.json(200, runPodPool(resourceVersion: "101")))) { client, fake in
            var object = try JSONValue(parsing: Array(runPodPool().utf8))
            object["status"]["replicas"] = 2
            let stored = try await client.update(Self.pools.named("burst").subresource("status"), object)
            #expect(stored["metadata"]["resourceVersion"] == "101")
            let request = try #require(fake.requests.first)
            #expect(request.method == "PUT")
            #expect(request.path == "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/status")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.json == object)
            #expect(request.json["metadata"]["resourceVersion"] == "100")
        }
    }

    @Test func mergePatchSendsTheMergePatchMediaType() async throws {
        try await withFakeAPI(always(.json(200, runPodPool()))) { client, fake in
            let patch: JSONValue = ["spec": ["replicas": 0], "metadata": ["annotations": ["old": nil]]]
            _ = try await client.mergePatch(Self.pools.named("burst"), patch)
            let request = try #require(fake.requests.first)
            #expect(request.method == "PATCH")
            #expect(request.path == "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst")
            #expect(request.headers["content-type"] == "application/merge-patch+json")
            #expect(request.body == #"{"metadata":{"annotations":{"old":null}},"spec":{"replicas":0}}"#)
        }
    }

    @Test func deleteSendsNoBody() async throws {
        let status = #"{"kind":"Status","apiVersion":"v1","status":"Success","details":{"name":"w-1"}}"#
        try await withFakeAPI(always(.json(200, status))) { client, fake in
            try await client.delete(.pods(namespace: "media").named("w-1"))
            let request = try #require(fake.requests.first)
            #expect(request.method == "DELETE")
            #expect(request.path == "/api/v1/namespaces/media/pods/w-1")
            #expect(request.headers["authorization"] == "Bearer \(testToken)")
            #expect(request.headers["content-type"] == nil)
            #expect(request.body.isEmpty)
        }
    }

    @Test func verbsThatNeedANameRefuseCollectionsWithoutSending() async throws {
        try await withFakeAPI(always(.json(200, "{}"))) { client, fake in
            let collection = ResourcePath.pods(namespace: "media")
            let deleteError = await #expect(throws: KubeError.self) { try await client.delete(collection) }
            #expect(deleteError?.kind == .invalid, "a nameless DELETE would delete the whole collection")
            let updateError = await #expect(throws: KubeError.self) { try await client.update(collection, [:]) }
            #expect(updateError?.kind == .invalid)
            let patchError = await #expect(throws: KubeError.self) { try await client.mergePatch(collection, [:]) }
            #expect(patchError?.kind == .invalid)
            let listError = await #expect(throws: KubeError.self) { try await client.list(collection.named("x")) }
            #expect(listError?.kind == .invalid)
            let createError = await #expect(throws: KubeError.self) {
                try await client.create(collection.named("x"), [:])
            }
            #expect(createError?.kind == .invalid)
            #expect(fake.requests.isEmpty)
        }
    }

    @Test func successWithoutJSONIsADecodingError() async throws {
        try await withFakeAPI(always(CannedResponse(status: 200, body: "<html>proxy login</html>"))) { client, _ in
            let error = await #expect(throws: KubeError.self) { try await client.get(.nodes.named("n")) }
            #expect(error?.kind == .decoding)
            #expect(error?.status == 200)
        }
    }
}
