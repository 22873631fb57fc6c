import Foundation
import Synchronization
import Testing

@testable import Autoscaler

@Suite struct StartupSettlingTests {
    @Test func settlesOnceTheLastMilestoneIsReached() async {
        let settling = StartupSettling(waitingFor: [.grpcServing, .firstReconcilePass, .firstDemandReading])
        let waiter = Task { await settling.settled() }
        settling.reached(.firstReconcilePass)
        settling.reached(.firstReconcilePass)
        settling.reached(.httpListening)  // not waited for
        settling.reached(.grpcServing)
        #expect(!settling.isSettled)
        settling.reached(.firstDemandReading)
        #expect(settling.isSettled)
        await waiter.value
        settling.reached(.grpcServing)
        #expect(settling.isSettled)
        // A late waiter returns at once.
        await settling.settled()
    }

    @Test func aWaiterBeforeSettlingWaits() async throws {
        let settling = StartupSettling(waitingFor: [.grpcServing, .httpListening])
        let done = Atomic<Bool>(false)
        let waiter = Task {
            await settling.settled()
            done.store(true, ordering: .sequentiallyConsistent)
        }
        settling.reached(.grpcServing)
        try await Task.sleep(for: .milliseconds(50))
        let early = done.load(ordering: .sequentiallyConsistent)
        #expect(!early)
        settling.reached(.httpListening)
        await waiter.value
        let late = done.load(ordering: .sequentiallyConsistent)
        #expect(late)
    }

    @Test func aCancelledWaiterReturnsUnsettled() async {
        let settling = StartupSettling(waitingFor: [.grpcServing])
        let waiter = Task { await settling.settled() }
        waiter.cancel()
        await waiter.value
        #expect(!settling.isSettled)
    }

    @Test func reportsFromManyThreadsSettleIt() async {
        for _ in 0..<50 {
            let all: [StartupSettling.Milestone] = [
                .grpcServing, .httpListening, .firstReconcilePass, .firstDemandReading,
            ]
            let settling = StartupSettling(waitingFor: Set(all))
            await withTaskGroup(of: Void.self) { group in
                for milestone in all + all { group.addTask { settling.reached(milestone) } }
            }
            #expect(settling.isSettled)
            await settling.settled()
        }
    }
}
