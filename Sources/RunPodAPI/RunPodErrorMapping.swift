import CurlHTTP
import Foundation
import Primitives

/// Turns a non-success response into a ``RunPodError``, following RunPod's migration notes.
enum RunPodErrorMapping {
    /// Texts that mean "no machine free for this request": the current 400 detail and the older 500 one.
    private static let noCapacityPhrases = [
        "no longer any instances available",
        "no instances currently available",
    ]

    /// The error for `response` (status outside 2xx). `redact` removes the API key from any text the service
    /// sent back.
    static func error(
        for response: HTTPResponse,
        operation: RunPodOperation,
        now: Date,
        redact: (String) -> String
    ) -> RunPodError {
        let problem = try? JSONDecoder().decode(ProblemDocument.self, from: Data(response.body))
        let explanation = redact(self.explanation(problem: problem, body: response.body))
        let kind = self.kind(status: response.status, explanation: explanation)
        let retryAfter = response.header("retry-after").flatMap { RetryAfter.seconds(from: $0, now: now) }
        return RunPodError(
            kind: kind,
            status: response.status,
            message: "\(operation.summary) failed with HTTP \(response.status): \(explanation)",
            retryAfter: retryAfter
        )
    }

    /// The kind for a status and the service's explanation of it.
    static func kind(status: Int, explanation: String) -> RunPodError.Kind {
        let lowered = explanation.lowercased()
        let saysNoCapacity = noCapacityPhrases.contains { lowered.contains($0) }
        switch status {
        case 400: return saysNoCapacity ? .noCapacity : .invalidRequest
        case 401: return .unauthorized
        case 402: return .paymentRequired
        case 403: return .forbidden
        case 404: return .notFound
        case 409: return .conflict
        case 429: return .rateLimited
        case 400..<500: return .invalidRequest
        case 500..<600: return saysNoCapacity ? .noCapacity : .serverError
        default: return .serverError
        }
    }

    /// Title, detail and validation errors of a problem document, or the start of a non-JSON body.
    private static func explanation(problem: ProblemDocument?, body: [UInt8]) -> String {
        if let problem, problem.title != nil || problem.detail != nil || !problem.errors.isEmpty {
            var text = [problem.title, problem.detail].compactMap { $0 }.joined(separator: ": ")
            if !problem.errors.isEmpty {
                text += (text.isEmpty ? "" : " ") + "(errors: \(problem.errors.joined(separator: "; ")))"
            }
            return text
        }
        let printable = String(decoding: body.prefix(200), as: UTF8.self)
            .map { $0.isNewline || $0 == "\t" ? " " : $0 }
            .filter { !($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }
        let snippet = String(printable).trimmingCharacters(in: .whitespaces)
        return snippet.isEmpty ? "no explanation in the response" : snippet
    }
}
