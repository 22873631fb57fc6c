import Crypto
import Decisions
import NIOCore
import NIOPosix
import NIOSSH

/// One SSH connection to a pod that keeps remote port forwards up: the pod's sshd listens on
/// `localhost:<remotePort>` for each forward and hands every connection back over the session, which joins it
/// to a fresh TCP connection to the forward's target. The session ends when the connection does (``closed()``)
/// or on ``close()``.
public final class TunnelSession: Sendable {
    let channel: any Channel
    /// The host key the server showed, in OpenSSH form (`ssh-ed25519 AAAA…`).
    public let hostKey: String

    private init(channel: any Channel, hostKey: String) {
        self.channel = channel
        self.hostKey = hostKey
    }

    /// Connects, checks the host key against `pinnedHostKey` (any key is accepted, and returned, when nil),
    /// logs in with `key` and asks for every forward. Fails with a `TunnelError` (`isHostKeyChange` for a
    /// refused key) or the transport's error; never waits longer than `timeoutSeconds`.
    public static func open(
        endpoint: SSHAddress, key: OpenSSHPrivateKey, pinnedHostKey: String?, forwards: [PortForward],
        timeoutSeconds: Double, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> TunnelSession {
        let signing = try Curve25519.Signing.PrivateKey(rawRepresentation: key.seed)
        let pin = HostKeyPin(pinned: pinnedHostKey)
        let auth = KeyAuthentication(username: endpoint.username, key: NIOSSHPrivateKey(ed25519Key: signing))
        let timeout = TimeAmount.nanoseconds(Int64(timeoutSeconds * 1e9))
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ssh = NIOSSHHandler(
                        role: .client(.init(userAuthDelegate: auth, serverAuthDelegate: pin)),
                        allocator: channel.allocator,
                        inboundChildChannelInitializer: { child, type in
                            bridge(child, type: type, forwards: forwards)
                        })
                    try channel.pipeline.syncOperations.addHandler(ssh)
                    try channel.pipeline.syncOperations.addHandler(CloseOnError())
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw TunnelError.setupFailed("connect to \(endpoint.host):\(endpoint.port): \(error)")
        }
        // The whole setup (key exchange, login, every forward) must finish in time.
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        do {
            try await requestForwards(on: channel, forwards: forwards).get()
            deadline.cancel()
        } catch {
            deadline.cancel()
            channel.close(promise: nil)
            if pin.mismatch, let seen = pin.seen { throw TunnelError.hostKeyChanged(seen: seen) }
            if !channel.isActive, pin.seen == nil { throw TunnelError.setupFailed("no SSH handshake: \(error)") }
            throw TunnelError.setupFailed("\(error)")
        }
        guard let seen = pin.seen else {
            channel.close(promise: nil)
            throw TunnelError.setupFailed("no host key seen")
        }
        return TunnelSession(channel: channel, hostKey: seen)
    }

    /// Returns when the connection has ended (sshd gone, network cut, or ``close()``).
    public func closed() async {
        try? await channel.closeFuture.get()
    }

    /// Ends the session (the forwards go with it).
    public func close() async {
        try? await channel.close()
    }

    private static func requestForwards(on channel: any Channel, forwards: [PortForward]) -> EventLoopFuture<Void> {
        channel.eventLoop.flatSubmit {
            do {
                let handler = try channel.pipeline.syncOperations.handler(type: NIOSSHHandler.self)
                let answers = forwards.map { forward in
                    let promise = channel.eventLoop.makePromise(of: GlobalRequest.TCPForwardingResponse?.self)
                    handler.sendTCPForwardingRequest(
                        .listen(host: "localhost", port: forward.remotePort), promise: promise)
                    return promise.futureResult.map { _ in () }
                }
                // Sent only after login succeeds; a failed login fails them.
                return EventLoopFuture.andAllSucceed(answers, on: channel.eventLoop)
            } catch {
                return channel.eventLoop.makeFailedFuture(error)
            }
        }
    }

    /// Joins one `forwarded-tcpip` channel from the server to a new TCP connection to its forward's target.
    private static func bridge(
        _ child: any Channel, type: SSHChannelType, forwards: [PortForward]
    ) -> EventLoopFuture<Void> {
        guard case .forwardedTCPIP(let info) = type,
            let forward = forwards.first(where: { $0.remotePort == info.listeningPort })
        else {
            return child.eventLoop.makeFailedFuture(TunnelError.setupFailed("unexpected channel \(type)"))
        }
        let (ours, theirs) = GlueHandler.matchedPair()
        let theirsBound = NIOLoopBound(theirs, eventLoop: child.eventLoop)
        return child.eventLoop.makeCompletedFuture {
            try child.pipeline.syncOperations.addHandler(SSHDataCodec())
            try child.pipeline.syncOperations.addHandler(ours)
        }.flatMap {
            ClientBootstrap(group: child.eventLoop)
                .channelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
                .connect(host: forward.host, port: forward.port)
                .flatMap { target in
                    target.eventLoop.makeCompletedFuture {
                        try target.pipeline.syncOperations.addHandler(theirsBound.value)
                    }
                }
        }
    }
}

extension TunnelSession {
    /// Starts closing the session without waiting (from a cancellation handler).
    public func cancel() {
        channel.close(promise: nil)
    }
}
