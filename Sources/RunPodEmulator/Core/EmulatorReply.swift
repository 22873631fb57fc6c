import Foundation
import Primitives

/// What to answer a call with, and how (after a delay, or by dropping the connection).
struct EmulatorReply: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: Data? = nil
    /// Hold the answer this long (a `slow` fault).
    var delaySeconds: Double = 0
    /// Close the connection instead of answering (a `dropConnection` fault).
    var dropConnection = false
    /// Pod status changes to log.
    var events: [PodEvent] = []
    /// The fault applied to the call, for the log.
    var fault: FaultKind? = nil

    static func json(_ status: Int, _ value: JSONValue) -> EmulatorReply {
        EmulatorReply(status: status, headers: ["Content-Type": "application/json"], body: Data(value.serialized()))
    }

    static func problem(_ problem: Problem) -> EmulatorReply {
        EmulatorReply(
            status: problem.status, headers: ["Content-Type": "application/problem+json"],
            body: Data(problem.json.serialized()))
    }

    static let noContent = EmulatorReply(status: 204)

    static let dropped = EmulatorReply(status: 0, dropConnection: true)

    /// 429 with `Retry-After` (whole seconds) and the IETF `RateLimit` headers of RunPod's documented quotas.
    static func rateLimited(retryAfterSeconds: Double) -> EmulatorReply {
        let seconds = max(0, Int(retryAfterSeconds.rounded(.up)))
        var reply = problem(.rateLimited)
        reply.headers["Retry-After"] = String(seconds)
        reply.headers["RateLimit"] = "\"minute\";r=0;t=\(seconds), \"hour\";r=2940;t=1800, \"day\";r=49000;t=43200"
        reply.headers["RateLimit-Policy"] = "\"minute\";q=60;w=60, \"hour\";q=3000;w=3600, \"day\";q=50000;w=86400"
        return reply
    }
}
