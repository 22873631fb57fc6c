import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

extension RunPodEmulator {
    /// Binds `configuration.listen`, serves in the background and returns the bound port.
    public func start() async throws -> Int {
        let address: ListenAddress
        do {
            address = try ListenAddress.parse(configuration.listen, key: "listen")
        } catch {
            throw RunPodEmulatorError.invalidListenAddress(error.reason)
        }
        let claimed = server.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .starting
            return true
        }
        guard claimed else { throw RunPodEmulatorError.alreadyStarted }

        let (ports, bound) = AsyncThrowingStream<Int, any Error>.makeStream()
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                bound.yield(channel.localAddress?.port ?? address.port)
            },
            logger: logger
        )
        // Signals belong to the process (the CLI), so the group listens to none.
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
                bound.finish()
            } catch {
                bound.finish(throwing: error)
            }
        }
        let port: Int
        do {
            var iterator = ports.makeAsyncIterator()
            guard let first = try await iterator.next() else {
                throw RunPodEmulatorError.cannotListen(configuration.listen, cause: nil)
            }
            port = first
        } catch {
            task.cancel()
            _ = await task.value
            server.withLock { $0 = .idle }
            throw error as? RunPodEmulatorError ?? RunPodEmulatorError.cannotListen(configuration.listen, cause: error)
        }
        // Status changes are logged when they happen, not only when a client next looks.
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                _ = self?.pods
            }
        }
        server.withLock { $0 = .running(port: port, group: group, task: task, ticker: ticker) }
        return port
    }

    /// Stops serving: answers in progress finish (for up to `grace`), idle connections close.
    /// A no-op when not running.
    public func stop(grace: Duration = .seconds(2)) async {
        let running = server.withLock { state -> (ServiceGroup, Task<Void, Never>, Task<Void, Never>)? in
            guard case .running(_, let group, let task, let ticker) = state else { return nil }
            state = .idle
            return (group, task, ticker)
        }
        guard let (group, task, ticker) = running else { return }
        ticker.cancel()
        await group.triggerGracefulShutdown()
        // A slow answer or a client that keeps its connection open must not hold the stop forever.
        let deadline = Task {
            try? await Task.sleep(for: grace)
            task.cancel()
        }
        _ = await task.value
        deadline.cancel()
        _ = await ticker.value
    }

    /// The bound port while running.
    public var port: Int? {
        server.withLock { state in
            guard case .running(let port, _, _, _) = state else { return nil }
            return port
        }
    }
}
