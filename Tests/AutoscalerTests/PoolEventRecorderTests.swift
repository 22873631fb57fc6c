import Decisions
import Foundation
import KubeClient
import TestSupport
import Testing

@testable import Autoscaler

/// The pool event recorder against the in-memory cluster; each test awaits the recording task.
@Suite struct PoolEventRecorderTests {
    let clock = ManualClock(KubeFixtures.t0)
    let cluster: InMemoryCluster
    let store = KubeFixtures.store()
    let recorder: PoolEventRecorder

    init() async {
        let clock = self.clock
        cluster = InMemoryCluster(now: { clock.now })
        cluster.put(KubeFixtures.runPodPool("media", "burst"), in: .runPodPools(namespace: "media"))
        await KubeFixtures.observe(cluster, into: store, clock: clock)
        cluster.clearCalls()
        recorder = PoolEventRecorder(client: cluster, store: store, logger: KubeFixtures.logger)
    }

    static let created = PoolEvent(
        pool: KubeFixtures.burst, type: "Normal", reason: "PodCreated", message: "created rpa-media-burst-1")

    @Test func recordsAnEventOnThePoolsRunPodPool() async {
        await recorder.record(Self.created)?.value
        #expect(cluster.calls == [.init(.recordEvent, .events(namespace: "media"))])
        let events = cluster.events(about: "burst", namespace: "media")
        #expect(events.count == 1)
        let event = events.first ?? .null
        let involved = event["involvedObject"]
        #expect(involved["kind"] == "RunPodPool" && involved["apiVersion"] == "gpuburst.io/v1alpha1")
        #expect(involved["namespace"] == "media")
        #expect(
            involved["uid"] == cluster.object(at: .runPodPools(namespace: "media").named("burst"))?["metadata"]["uid"],
            "the event points at the object the observer read")
        #expect(event["type"] == "Normal" && event["reason"] == "PodCreated")
        #expect(event["message"] == "created rpa-media-burst-1")
        #expect(event["count"] == 1)
    }

    @Test func aRepeatRaisesTheCount() async {
        await recorder.record(Self.created)?.value
        await recorder.record(Self.created)?.value
        let events = cluster.events(about: "burst", namespace: "media")
        #expect(events.count == 1 && events.first?["count"] == 2)
    }

    @Test func anEventForAPoolWithoutARunPodPoolIsDropped() async {
        let event = PoolEvent(
            pool: PoolID(namespace: "ml", name: "gone"), type: "Warning", reason: "NoCapacity", message: "none")
        #expect(recorder.record(event) == nil)
        #expect(cluster.calls.isEmpty)
    }

    @Test func aFailureIsSwallowed() async {
        cluster.failNext(
            .recordEvent,
            with: KubeError(kind: .forbidden, status: 403, reason: "Forbidden", message: "events is forbidden"))
        await recorder.record(Self.created)?.value
        #expect(cluster.calls.count == 1)
        #expect(cluster.events(about: "burst").isEmpty)
        await recorder.record(Self.created)?.value
        #expect(cluster.events(about: "burst").count == 1, "best effort: the next event is recorded")
    }
}
