// One Kubernetes API response body through the client's JSON parsing (JSONValue, lists, the Status of errors) and
// the autoscaler's readers of what it lists and gets: RunPodPools, Nodes and Pods (local occupancy), the Lease.
import CurlHTTP
import Decisions
import Foundation
import FuzzSupport
import Primitives

@testable import Autoscaler
@testable import KubeClient

let token = "kube-FUZZ-token-0123456789"
let now = Date(timeIntervalSince1970: 1_800_000_000)
let workers = try! LabelSelector("app=gpu-worker")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: start, count: count))

    // Any body of an error answer.
    for (status, retryAfter) in [(404, nil), (409, nil), (422, nil), (429, "3"), (500, nil)] {
        let response = HTTPResponse(status: status, headers: retryAfter.map { ["retry-after": $0] } ?? [:], body: body)
        let error = KubeErrorMapping.error(for: response, now: now) { $0.replacing(token, with: "<redacted>") }
        precondition(!error.description.contains(token), "the token leaked into \(error)")
    }

    guard let document = try? JSONValue(parsing: body) else { return 0 }
    // What is sent back (status writes, lease updates) parses to the same value, and hashes alike.
    let serialized = document.serialized()
    guard let again = try? JSONValue(parsing: serialized) else {
        preconditionFailure("re-serialised JSON does not parse: \(String(decoding: serialized, as: UTF8.self))")
    }
    precondition(again == document, "the round trip changed the value")
    precondition(again.hashValue == document.hashValue, "equal values hash differently")
    precondition(again.serialized() == serialized, "serialisation is not stable")

    // As a get of one object.
    let lease = LeaseDocument.record(document)
    let written = LeaseDocument.record(LeaseDocument.object(lease, name: "runpod-autoscaler", namespace: "platform"))
    let rewritten = LeaseDocument.record(
        LeaseDocument.object(written, name: "runpod-autoscaler", namespace: "platform"))
    precondition(rewritten == written, "a lease written back reads differently: \(written) then \(rewritten)")
    _ = LeaderElection.next(
        identity: "fuzz", observed: lease, observedChangedAt: now.addingTimeInterval(-3600), now: now,
        settings: LeaderElectionSettings())
    var pools: [PoolSpec] = []
    if case .success(let pool) = RunPodPoolDocument.parse(document, defaults: PoolDefaults()) {
        precondition(pool.replicas >= 0, "negative replicas")
        pools.append(pool.spec)
    }

    // As a list of RunPodPools, Nodes or Pods.
    if let list = try? KubeList(document: document) {
        let capacity = LocalOccupancy.compute(
            nodes: list.items.map(ClusterObjects.node), pods: list.items.map(ClusterObjects.pod), workers: workers)
        precondition(capacity.gpus >= 0 && (0...capacity.gpus).contains(capacity.usedByOthers), "\(capacity)")
        // What the observer publishes: one pool per id (the store keys them by id).
        let listed = RunPodPoolDocument.pools(in: list.items, defaults: PoolDefaults()).pools
        let byID = Dictionary(listed.map { ($0.spec.id, $0) }, uniquingKeysWith: { first, _ in first })
        precondition(byID.count == listed.count, "a pool listed twice")
        PolicyWorkout.run(listed.map(\.spec))
    }
    PolicyWorkout.run(pools)
    return 0
}
