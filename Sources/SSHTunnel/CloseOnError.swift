import NIOCore

/// Closes the connection on any error the pipeline raises (a refused host key, a protocol error).
final class CloseOnError: ChannelInboundHandler, Sendable {
    typealias InboundIn = Any

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
