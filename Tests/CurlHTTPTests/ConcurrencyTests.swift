import TestSupport
import Testing

@testable import CurlHTTP

@Suite("Transfers run off the cooperative pool")
struct ConcurrencyTests {
    @Test(.timeLimit(.minutes(1)))
    func fiftyConcurrentRequestsWhileThePoolStaysResponsive() async throws {
        let routes = TestRoutes()
        let workers = 8  // more than the cooperative pool's threads on this machine
        let client = HTTPClient(configuration: .init(maxConcurrentTransfers: workers, proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            defer { routes.gate.open() }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await client.execute(HTTPRequest(url: server.baseURL + "/block")).status }
                }
                // Every worker thread is now blocked inside curl_easy_perform...
                await routes.arrivals.wait(untilAtLeast: workers)
                // ...and the cooperative pool still runs other work: 200 tasks that each hop threads.
                let ticks = await withTaskGroup(of: Int.self) { ticks in
                    for _ in 0..<200 {
                        ticks.addTask {
                            await Task.yield()
                            return 1
                        }
                    }
                    return await ticks.reduce(0, +)
                }
                #expect(ticks == 200)
                #expect(routes.arrivals.value == workers, "only \(workers) transfers run at once")
                routes.gate.open()
                var statuses: [Int] = []
                for try await status in group {
                    statuses.append(status)
                }
                #expect(statuses.count == 50)
                #expect(statuses.allSatisfy { $0 == 200 })
            }
            #expect(routes.arrivals.value == 50)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingTheTaskAbortsTheTransfer() async throws {
        let routes = TestRoutes()
        let client = HTTPClient(configuration: .init(timeout: .seconds(60), proxy: ""))
        defer { client.shutdown() }
        try await TestServer.with(routes.handler) { server in
            defer { routes.gate.open() }
            let task = Task { try await client.execute(HTTPRequest(url: server.baseURL + "/block")) }
            await routes.arrivals.wait(untilAtLeast: 1)
            task.cancel()
            let result = await task.result
            guard case .failure(let error as HTTPClientError) = result else {
                Issue.record("expected a cancellation error, got \(result)")
                return
            }
            #expect(error.isCancelled, "\(error)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func shutdownFailsRunningWaitingAndLaterRequests() async throws {
        let routes = TestRoutes()
        let client = HTTPClient(configuration: .init(timeout: .seconds(60), maxConcurrentTransfers: 1, proxy: ""))
        try await TestServer.with(routes.handler) { server in
            defer { routes.gate.open() }
            let running = Task { try await client.execute(HTTPRequest(url: server.baseURL + "/block")) }
            await routes.arrivals.wait(untilAtLeast: 1)
            let waiting = Task { try await client.execute(HTTPRequest(url: server.baseURL + "/block")) }
            // The only worker is busy, so this one stays queued.
            while client.waitingTransfers < 1 {
                await Task.yield()
            }
            client.shutdown()
            for task in [running, waiting] {
                let result = await task.result
                guard case .failure(let error as HTTPClientError) = result else {
                    Issue.record("expected a shutdown error, got \(result)")
                    continue
                }
                #expect(error.isShutdown, "\(error)")
            }
            let later = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.baseURL + "/echo"))
            }
            #expect(later?.isShutdown == true)
        }
    }
}
