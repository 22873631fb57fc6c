import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Primitives

@testable import RunPodEmulator

/// An answer as the tests look at it: status, headers and the parsed body.
struct TestReply: Sendable {
    let status: Int
    let headers: HTTPFields
    let rawBody: String
    let json: JSONValue?

    init(_ response: TestResponse) {
        status = response.status.code
        headers = response.headers
        rawBody = String(buffer: response.body)
        json = rawBody.isEmpty ? nil : try? JSONValue.parse(Data(rawBody.utf8))
    }

    var contentType: String? { headers[.contentType] }
    var detail: String? { json?["detail"]?.string }
    var errors: [String] { json?["errors"]?.array?.compactMap(\.string) ?? [] }

    func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}
