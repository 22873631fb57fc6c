import Foundation
import Primitives

/// Parses a request body that must be JSON.
enum RequestBody {
    static func parse(_ bytes: [UInt8]) throws(Problem) -> JSONValue {
        guard !bytes.isEmpty else { throw Problem.badRequest("request body is required") }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw Problem.badRequest("request body is not valid JSON")
        }
    }
}
