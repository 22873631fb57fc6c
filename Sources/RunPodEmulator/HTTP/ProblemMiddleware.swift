import Hummingbird

/// Answers Hummingbird's own errors (unknown path, body too large) as problem documents too.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = EmulatorRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let detail =
                error.status == .notFound
                ? "no route for \(request.method) \(request.uri.path)" : error.body ?? "\(error.status)"
            return EmulatorReply.problem(Problem(status: error.status.code, detail: detail)).response
        }
    }
}
