import KubeClient
import Testing

@Suite("ResourcePath spells the API server's URL paths")
struct ResourcePathTests {
    @Test func corePathsLiveUnderAPIv1() {
        #expect(ResourcePath.nodes.path == "/api/v1/nodes")
        #expect(ResourcePath.nodes.named("gpu-1").path == "/api/v1/nodes/gpu-1")
        #expect(ResourcePath.pods(namespace: "media").path == "/api/v1/namespaces/media/pods")
        #expect(ResourcePath.pods(namespace: nil).path == "/api/v1/pods", "no namespace lists across all")
        #expect(ResourcePath.pods(namespace: "media").named("w-1").path == "/api/v1/namespaces/media/pods/w-1")
        #expect(ResourcePath.events(namespace: "media").path == "/api/v1/namespaces/media/events")
        #expect(ResourcePath(plural: "namespaces", name: "media").path == "/api/v1/namespaces/media")
    }

    @Test func groupPathsLiveUnderAPIs() {
        #expect(
            ResourcePath.leases(namespace: "platform").named("runpod-autoscaler").path
                == "/apis/coordination.k8s.io/v1/namespaces/platform/leases/runpod-autoscaler")
        #expect(ResourcePath.runPodPools(namespace: nil).path == "/apis/gpuburst.io/v1alpha1/runpodpools")
        let status = ResourcePath(
            group: "gpuburst.io", version: "v1alpha1", plural: "runpodpools", namespace: "media", name: "burst",
            subresource: "status")
        #expect(status.path == "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/status")
        #expect(status.description == status.path)
        #expect(
            ResourcePath.runPodPools(namespace: "media").named("burst").subresource("scale").path
                == "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/scale")
        #expect(status.collection.path == "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools")
        #expect(status.apiVersion == "gpuburst.io/v1alpha1")
        #expect(ResourcePath.nodes.apiVersion == "v1")
    }

    @Test func segmentsArePercentEncodedAndEmptyPartsLeftOut() {
        let odd = ResourcePath(plural: "configmaps", namespace: "a b", name: "x/y?z")
        #expect(odd.path == "/api/v1/namespaces/a%20b/configmaps/x%2Fy%3Fz")
        let empty = ResourcePath(plural: "pods", namespace: "", name: "", subresource: "status")
        #expect(empty.path == "/api/v1/pods", "an empty name must never address a subresource of nothing")
        #expect(!empty.hasName)
    }

    @Test func requestsReachTheServerAtThosePaths() async throws {
        try await withFakeAPI(always(.json(200, runPodPool()))) { client, fake in
            _ = try await client.get(ResourcePath.nodes.named("gpu-1"))
            _ = try await client.get(ResourcePath.pods(namespace: "media").named("w-1"))
            _ = try await client.get(ResourcePath.runPodPools(namespace: "media").named("burst").subresource("status"))
            _ = try await client.get(
                ResourcePath(
                    group: "apps", version: "v1", plural: "deployments", namespace: "x",
                    name: "d", subresource: "scale"))
            #expect(
                fake.requests.map(\.path) == [
                    "/api/v1/nodes/gpu-1",
                    "/api/v1/namespaces/media/pods/w-1",
                    "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/status",
                    "/apis/apps/v1/namespaces/x/deployments/d/scale",
                ])
        }
    }
}
