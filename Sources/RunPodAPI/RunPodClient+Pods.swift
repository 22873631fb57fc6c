extension RunPodClient {
    /// All pods of the account (`GET /v2/pods`). The API has no name filter: filter the result.
    public func listPods() async throws(RunPodError) -> [RunPodPod] {
        let response = try await send(.list, method: "GET", path: "/v2/pods")
        if let pods = PodJSONFastPath.pods(inList: response.body) { return pods }
        return try decode(PodListDocument.self, from: response, .list).pods.map(\.pod)
    }

    /// One pod (`GET /v2/pods/{id}`); ``RunPodError/Kind/notFound`` when it does not exist.
    public func getPod(id: String) async throws(RunPodError) -> RunPodPod {
        let path = "/v2/pods/" + (try pathSegment(id, .get))
        let response = try await send(.get, method: "GET", path: path)
        if let pod = PodJSONFastPath.pod(in: response.body) { return pod }
        return try decode(PodDocument.self, from: response, .get).pod
    }

    /// Creates a pod (`POST /v2/pods`, 201). One call tries exactly the GPU type asked for:
    /// ``RunPodError/Kind/noCapacity`` means try the next candidate. After a ``RunPodError/Kind/serverError`` the
    /// pod may exist anyway: look for its name in the next list before creating again.
    public func createPod(_ spec: CreatePodSpec) async throws(RunPodError) -> RunPodPod {
        let body = try encode(CreatePodBody(spec), .create)
        let response = try await send(.create, method: "POST", path: "/v2/pods", body: body)
        return try decode(PodDocument.self, from: response, .create).pod
    }

    /// Deletes a pod for good (`DELETE /v2/pods/{id}`, 204); ``RunPodError/Kind/notFound`` when already gone.
    public func deletePod(id: String) async throws(RunPodError) {
        let path = "/v2/pods/" + (try pathSegment(id, .delete))
        _ = try await send(.delete, method: "DELETE", path: path)
    }

    /// Triggers `start`, `stop`, `restart` or `terminate` (`POST /v2/pods/{id}/action`). Returns the updated pod,
    /// or nil when the service answers 204 (terminate). ``RunPodError/Kind/conflict`` when the action is not valid
    /// in the pod's current status.
    public func podAction(id: String, action: String) async throws(RunPodError) -> RunPodPod? {
        let path = "/v2/pods/" + (try pathSegment(id, .action)) + "/action"
        let body = try encode(PodActionBody(action: action), .action)
        let response = try await send(.action, method: "POST", path: path, body: body)
        guard response.status != 204, !response.body.isEmpty else { return nil }
        return try decode(PodDocument.self, from: response, .action).pod
    }
}
