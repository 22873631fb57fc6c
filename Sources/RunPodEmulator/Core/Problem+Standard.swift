/// The answers the emulator gives, with the live service's texts where NOTES.md records them.
extension Problem {
    static let noCapacityDetail =
        "There are no longer any instances available with the requested specifications. Please refresh and try again."
    static let legacyNoCapacityDetail = "create pod: There are no instances currently available"
    static let spotDetail = "Spot pods are no longer offered"

    static func noCapacity(legacy: Bool) -> Problem {
        legacy ? Problem(status: 500, detail: legacyNoCapacityDetail) : Problem(status: 400, detail: noCapacityDetail)
    }

    static let podNotFound = Problem(status: 404, detail: "pod not found")
    static let missingBearerToken = Problem(status: 401, detail: "missing bearer token")
    static let invalidBearerToken = Problem(status: 401, detail: "invalid bearer token")
    static let forbidden = Problem(status: 403, detail: "access denied")
    static let paymentRequired = Problem(
        status: 402, detail: "insufficient balance: add funds to your account to deploy pods")
    static let internalError = Problem(status: 500, detail: "internal server error")
    static let rateLimited = Problem(status: 429, detail: "rate limit exceeded for the minute window")

    static func validation(_ errors: [String]) -> Problem {
        Problem(status: 400, detail: "Request validation failed.", errors: errors)
    }

    static func badRequest(_ detail: String, errors: [String]? = nil) -> Problem {
        Problem(status: 400, detail: detail, errors: errors ?? [detail])
    }

    static func notAllowed(_ action: EmulatedPodAction, status: EmulatedPodStatus) -> Problem {
        let valid = status.actions.map(\.rawValue).joined(separator: ", ")
        return Problem(
            status: 409,
            detail: "action \(action.rawValue) is not valid for a pod in status \(status.rawValue) (valid: \(valid))")
    }
}
