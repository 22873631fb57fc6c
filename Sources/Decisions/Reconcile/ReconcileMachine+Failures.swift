import Foundation

extension ReconcileMachine {
    /// A create failed: the rest of the pool's plan is dropped. Skip the
    /// offering and re-plan on no capacity, keep
    /// the name to look for on a lost answer, pause or stop on 429/401/403/402,
    /// back off on anything else.
    mutating func createFailed(
        pool: PoolID, name: String, offering: Offering, failure: ReconcileFailure, now: Date
    ) -> [ReconcileReport] {
        var reports: [ReconcileReport] = []
        var keepExpectation = false
        let result: String
        dropPlannedCommands(of: pool)
        switch failure.kind {
        case .noCapacity:
            result = "no_capacity"
            if let spec = pass?.request.pools.first(where: { $0.id == pool }),
                let desired = pass?.request.desired[pool]
            {
                state.unavailableUntil[offering] = now.addingTimeInterval(spec.scaling.unavailableOfferingSeconds)
                let attempt = pass?.attempts[pool] ?? 0
                if attempt < Offering.fallbackOrder(spec.template).count {
                    pass?.work.insert(Work.plan(spec, desired: desired, attempt: attempt + 1), at: 0)
                }
            }
        case .answerLost:
            // The pod may exist: keep the pre-chosen name until a list shows it or not.
            result = "answer_lost"
            keepExpectation = true
            backOff(now: now)
        default:
            result = "error"
            let blocking = applyBlocking(failure, now: now)
            reports += blocking
            if failure.kind != .rateLimited && failure.kind != .refused { backOff(now: now) }
        }
        if !keepExpectation { state.expectations[pool]?.removeAll { $0.name == name } }
        reports.append(.createFailed(pool: pool, name: name, offering: offering, result: result, failure: failure))
        return reports
    }

    /// Drops the rest of the pool's planned commands (creates, interleaved with other pools' by the round robin).
    private mutating func dropPlannedCommands(of pool: PoolID) {
        pass?.work.removeAll { work in
            guard case .send(let command) = work else { return false }
            return command.pool == pool
        }
    }

    /// 429 pauses creates for Retry-After; 401/403/402 stop them. Other kinds change nothing here.
    mutating func applyBlocking(_ failure: ReconcileFailure, now: Date) -> [ReconcileReport] {
        switch failure.kind {
        case .rateLimited:
            let pause = failure.retryAfterSeconds ?? settings.defaultRetryAfterSeconds
            state.blockedUntil = max(state.blockedUntil ?? now, now.addingTimeInterval(pause))
            // No call at all, list included, before Retry-After.
            state.budget?.refused(retryAfterSeconds: pause, at: now)
            return []
        case .refused:
            let alreadyStopped = state.stopped(at: now) != nil
            state.stoppedReason = failure.detail
            state.stoppedUntil = now.addingTimeInterval(settings.stopSeconds)
            return alreadyStopped ? [] : [.accountStopped(reason: failure.detail)]
        default:
            return []
        }
    }

    private mutating func backOff(now: Date) {
        state.backoffSeconds = min(300, max(5, state.backoffSeconds * 2))
        state.blockedUntil = now.addingTimeInterval(state.backoffSeconds)
    }
}
