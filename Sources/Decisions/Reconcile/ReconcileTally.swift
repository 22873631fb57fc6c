import Foundation

/// A pool's listed pods and open creates sorted for a plan, before any decision: the pods that go now
/// (failed, provisioning too long), the live ones, and the creates that still count.
struct ReconcileTally {
    /// Terminates of failed and timed-out pods, which do not count toward desired.
    var terminations: [ReconcileAction] = []
    var live: [ObservedPod] = []
    /// The pods of `terminations`: until RunPod has ended them they hold room under the caps.
    var leaving: [ObservedPod] = []
    /// Creates not yet listed that still count.
    var open: [CreateExpectation] = []
    /// The first create whose answer was lost: no new create until a list proves it was not made.
    var lostAnswer: CreateExpectation?

    /// Pods that count toward desired: live listed pods plus open expectations.
    var counted: Int { live.count + open.count }

    init(_ input: ReconcileInput) {
        let now = input.now
        for pod in input.pods where pod.phase != .terminated && !input.terminating.contains(pod.id) {
            if pod.phase == .failed {
                terminations.append(.terminate(podId: pod.id, name: pod.name, reason: .failed))
                leaving.append(pod)
            } else if pod.phase == .pending, let created = pod.createdAt,
                now.timeIntervalSince(created) > input.pool.scaling.provisionTimeoutSeconds
            {
                terminations.append(.terminate(podId: pod.id, name: pod.name, reason: .provisionTimeout))
                leaving.append(pod)
            } else {
                live.append(pod)
            }
        }
        // Most passes have no open create: the listed names are only gathered when one is there to look for.
        guard !input.expectations.isEmpty else { return }
        let listed = Set(input.pods.map(\.name))
        for expectation in input.expectations where !listed.contains(expectation.name) {
            if expectation.confirmedId != nil {
                if now.timeIntervalSince(expectation.attemptedAt) < ReconcilePlanner.confirmedExpectationSeconds {
                    open.append(expectation)
                }
            } else if input.listedAt
                <= expectation.attemptedAt.addingTimeInterval(
                    ReconcilePlanner.lostAnswerGraceSeconds)
            {
                open.append(expectation)
                lostAnswer = lostAnswer ?? expectation
            }
        }
    }
}
