import TestSupport

extension CannedResponse {
    /// A `Status` object as the API server sends it with an error.
    static func status(
        _ code: Int, reason: String, message: String, details: String = "{}", headers: [String: String] = [:]
    ) -> CannedResponse {
        json(
            code,
            #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","#
                + #""reason":"\#(reason)","details":\#(details),"code":\#(code)}"#,
            headers: headers)
    }
}
