/// One API call as the pure core sees it: the operation, its path parameter, body, query and credentials.
struct EmulatorCall: Sendable {
    var operation: EmulatorOperation
    var podId: String? = nil
    var body: [UInt8] = []
    /// Query parameters; repeated names are joined with commas.
    var query: [String: String] = [:]
    /// The `Authorization` header, if any.
    var authorization: String? = nil
}
