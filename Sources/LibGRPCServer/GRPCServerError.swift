/// An error of the server itself (binding, credentials, the C core), as
/// opposed to a call's status.
public struct GRPCServerError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable {
        case bindFailed
        case credentials
        case callError
        case invalidState
    }

    private let code: Code
    /// What went wrong, in words an operator can act on.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func bindFailed(_ address: String, tls: Bool) -> GRPCServerError {
        GRPCServerError(
            .bindFailed,
            "cannot listen on \(address)\(tls ? " (TLS)" : ""): the address is in use, not local, or not valid"
        )
    }

    static func credentials(_ message: String) -> GRPCServerError {
        GRPCServerError(.credentials, message)
    }

    static func callError(_ operation: String, code: Int32) -> GRPCServerError {
        GRPCServerError(.callError, "\(operation) failed with grpc_call_error \(code)")
    }

    static func invalidState(_ message: String) -> GRPCServerError {
        GRPCServerError(.invalidState, message)
    }

    /// Whether this is the "address in use" kind of failure.
    public var isBindFailure: Bool { code == .bindFailed }
}
