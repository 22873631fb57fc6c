internal import CGRPCShim

/// The one gateway for the core's `grpc_call_error` results.
func checkCall(_ result: grpc_call_error, _ operation: String) throws(GRPCServerError) {
    guard result != GRPC_CALL_OK else { return }
    throw GRPCServerError.callError(operation, code: Int32(result.rawValue))
}
