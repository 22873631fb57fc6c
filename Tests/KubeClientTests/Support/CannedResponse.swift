/// A canned answer of the fake API server.
struct CannedResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: String = ""

    /// A JSON document.
    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> CannedResponse {
        CannedResponse(
            status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: body)
    }

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
