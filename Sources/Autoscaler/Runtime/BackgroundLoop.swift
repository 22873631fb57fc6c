import ServiceLifecycle

/// A part that loops until cancelled (an observer, the reconciler, the
/// elector) as a `Service`: the group's graceful shutdown cancels the loop,
/// then `afterStop` runs (for example to release the lease).
struct BackgroundLoop: Service, CustomStringConvertible {
    let description: String
    let body: @Sendable () async -> Void
    var afterStop: @Sendable () async -> Void = {}

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
        await afterStop()
    }
}
