import Foundation

/// The whole emulator as a plain value: given a call and the time, it returns the answer and
/// the status changes to log. No IO: the HTTP layer, the lock and the clock live in `RunPodEmulator`.
struct EmulatorCore: Sendable {
    let apiKey: String?
    let legacyNoCapacityErrors: Bool
    let renderer: PodRenderer
    var prices: [String: Double]
    var state: EmulatorState
    var faults: FaultInjector
    private(set) var callCounts: [EmulatorOperation: Int] = [:]
    /// The per-minute quota, when one is configured.
    var rateLimit: RateLimitWindow?
    /// Calls answered 429, by the quota or by an injected fault.
    private(set) var rateLimitedCount = 0

    init(configuration: EmulatorConfiguration) {
        apiKey = configuration.apiKey
        legacyNoCapacityErrors = configuration.legacyNoCapacityErrors
        renderer = PodRenderer(
            quirks: configuration.quirks, sshAddress: configuration.sshAddress.flatMap(PodRenderer.hostAndPort))
        prices = configuration.prices
        state = EmulatorState(
            capacity: configuration.capacity, provisioningSeconds: configuration.provisioningSeconds,
            startingSeconds: configuration.startingSeconds, seed: configuration.seed)
        faults = FaultInjector(rules: configuration.faults.filter { ($0.count ?? 1) >= 1 }, seed: configuration.seed)
        rateLimit = configuration.rateLimitPerMinute.map {
            RateLimitWindow(limit: $0, windowSeconds: configuration.rateLimitWindowSeconds)
        }
    }

    /// Answers one `/v2` call: clock first, then the quota (RunPod counts every call of a key), then the key,
    /// then any fault, then the call itself.
    mutating func handle(_ call: EmulatorCall, now: Date) -> EmulatorReply {
        let events = state.advance(to: now)
        callCounts[call.operation, default: 0] += 1
        var reply: EmulatorReply
        let admission = rateLimit?.admit(now: now)
        if let admission, !admission.allowed {
            reply = .rateLimited(retryAfterSeconds: Double(admission.resetSeconds))
        } else if let denied = authorize(call.authorization) {
            reply = .problem(denied)
        } else if let fault = faults.draw(for: call.operation) {
            reply = inject(fault, into: call, now: now)
        } else {
            reply = serve(call, now: now)
        }
        reply.events = events + reply.events
        if let admission, let rateLimit {
            // The quota's own headers replace the documented examples an injected 429 carries.
            reply.headers["RateLimit-Policy"] = rateLimit.policyHeader
            reply.headers["RateLimit"] = RateLimitWindow.header(admission)
        }
        if reply.status == 429 { rateLimitedCount += 1 }
        return reply
    }

    /// The 401 to answer, if a key is required and the call does not carry it.
    func authorize(_ header: String?) -> Problem? {
        guard let apiKey else { return nil }
        guard let header, header.lowercased().hasPrefix("bearer ") else { return .missingBearerToken }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token == apiKey ? nil : .invalidBearerToken
    }

    private mutating func inject(_ fault: FaultRule, into call: EmulatorCall, now: Date) -> EmulatorReply {
        var reply: EmulatorReply
        switch fault.kind {
        case .noCapacity: reply = .problem(.noCapacity(legacy: legacyNoCapacityErrors))
        case .serverError: reply = .problem(.internalError)
        case .rateLimited: reply = .rateLimited(retryAfterSeconds: fault.retryAfterSeconds ?? 1)
        case .unauthorized: reply = .problem(.invalidBearerToken)
        case .forbidden: reply = .problem(.forbidden)
        case .paymentRequired: reply = .problem(.paymentRequired)
        case .dropConnection: reply = .dropped
        case .slow:
            reply = serve(call, now: now)
            reply.delaySeconds = fault.delaySeconds ?? 1
        case .serverErrorAfterCreate:
            reply = serve(call, now: now)
            if reply.status == 201 {
                let events = reply.events
                reply = .problem(.internalError)
                reply.events = events
            }
        }
        reply.fault = fault.kind
        return reply
    }

    /// Carries out a call with no fault.
    mutating func serve(_ call: EmulatorCall, now: Date) -> EmulatorReply {
        do {
            switch call.operation {
            case .list:
                return .json(200, .object(["pods": .array(state.pods.map { renderer.render($0, now: now) })]))
            case .get:
                guard let pod = state.pod(call.podId ?? "") else { throw Problem.podNotFound }
                return .json(200, renderer.render(pod, now: now))
            case .create:
                return try create(call.body, now: now)
            case .delete:
                return try perform(.terminate, podId: call.podId ?? "", now: now)
            case .action:
                let action = try ActionRequestValidator.validate(call.body)
                return try perform(action, podId: call.podId ?? "", now: now)
            case .catalog:
                return .json(200, try catalog(CatalogQuery.parse(call.query)))
            }
        } catch {
            return .problem(error as? Problem ?? .internalError)
        }
    }
}
