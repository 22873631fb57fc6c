import Hummingbird
import NIOCore

extension RunPodEmulator {
    /// The routes: RunPod's `/v2` pod and catalog paths, and the `/admin` controls (no key needed).
    func makeRouter() -> Router<EmulatorRequestContext> {
        let router = Router(context: EmulatorRequestContext.self)
        router.middlewares.add(ProblemMiddleware())
        router.get("/v2/pods") { request, context in try await self.api(.list, request, context) }
        router.post("/v2/pods") { request, context in try await self.api(.create, request, context) }
        router.get("/v2/pods/:id") { request, context in try await self.api(.get, request, context) }
        router.delete("/v2/pods/:id") { request, context in try await self.api(.delete, request, context) }
        router.post("/v2/pods/:id/action") { request, context in try await self.api(.action, request, context) }
        router.get("/v2/catalog/gpus") { request, context in try await self.api(.catalog, request, context) }

        router.get("/admin/state") { _, _ in self.admin { $0.stateReply(now: $1) }.response }
        router.post("/admin/faults") { request, _ in
            let body = try await Self.body(request)
            return self.admin { core, _ in core.addFault(body: body) }.response
        }
        router.delete("/admin/faults") { _, _ in
            self.admin { core, _ in
                core.clearFaults()
                return .noContent
            }.response
        }
        router.put("/admin/capacity") { request, _ in
            let body = try await Self.body(request)
            return self.admin { core, _ in core.setCapacity(body: body) }.response
        }
        router.post("/admin/pods/:id/error") { _, context in
            let id = context.parameters.get("id") ?? ""
            return self.admin { $0.failPod(id, now: $1) }.response
        }
        return router
    }

    private func api(
        _ operation: EmulatorOperation, _ request: Request, _ context: EmulatorRequestContext
    ) async throws -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            query[name] = query[name].map { "\($0),\(value)" } ?? String(value)
        }
        let call = EmulatorCall(
            operation: operation, podId: context.parameters.get("id"), body: try await Self.body(request),
            query: query, authorization: request.headers[.authorization])
        let reply = process(call, method: request.method.rawValue, path: request.uri.path)
        if reply.delaySeconds > 0 {
            try await sleep(reply.delaySeconds)
        }
        if reply.dropConnection {
            try? await context.channel.close()
            throw ConnectionDropped()
        }
        return reply.response
    }

    private static func body(_ request: Request) async throws -> [UInt8] {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        return Array(buffer.readableBytesView)
    }
}
