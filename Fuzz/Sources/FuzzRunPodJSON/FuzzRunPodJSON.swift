// One RunPod REST v2 response body through the client's own decoding: as a pod list, a pod, the GPU catalog
// (2xx), the pod list and pod also through the byte-level reader (which must agree with JSONDecoder), and as an
// error body (4xx/5xx) through the problem-document mapping; then what the reconciler makes of the pods and prices.
import CurlHTTP
import Foundation
import Primitives

@testable import Autoscaler
@testable import RunPodAPI

let apiKey = "rpa_FUZZ0123456789SECRET"

/// Decoding needs no transfer: the client is only the owner of `decode` and of the key's redaction.
let client = RunPodClient(
    baseURL: "http://127.0.0.1:9", apiKey: apiKey, http: HTTPClient(configuration: .init(maxConcurrentTransfers: 1)))
let credential = BearerCredential(apiKey: apiKey)
let now = Date(timeIntervalSince1970: 1_800_000_000)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunPodJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: start, count: count))
    let ok = HTTPResponse(status: 200, headers: ["content-type": "application/json"], body: body)

    var pods: [RunPodPod] = []
    var decodedList: [RunPodPod]?
    do {
        pods = try client.decode(PodListDocument.self, from: ok, .list).pods.map(\.pod)
        decodedList = pods
    } catch {
        precondition(error.kind == .decoding, "a body that does not decode is \(error.kind)")
        precondition(!error.description.contains(apiKey), "the key leaked into \(error)")
    }
    // The byte-level reader answers only with what JSONDecoder decodes.
    if let fastList = PodJSONFastPath.pods(inList: body) {
        precondition(
            fastList == decodedList, "the fast path read \(fastList), JSONDecoder \(String(describing: decodedList))")
    }
    let decodedPod = try? client.decode(PodDocument.self, from: ok, .get).pod
    if let fastPod = PodJSONFastPath.pod(in: body) {
        precondition(
            fastPod == decodedPod, "the fast path read \(fastPod), JSONDecoder \(String(describing: decodedPod))")
    }
    if let decodedPod { pods.append(decodedPod) }
    // What the reconciler reads of each pod.
    for pod in pods {
        let observed = pod.observed
        precondition(observed.id == pod.id, "the observed pod is another one")
    }

    if let catalog = try? client.decode(GPUCatalogDocument.self, from: ok, .catalog).gpus.map(\.gpuType) {
        for (offering, price) in catalog.pricesPerGPU {
            precondition(!price.isNaN, "a NaN price for \(offering)")
        }
    }

    for (status, retryAfter) in [(400, nil), (429, "7"), (500, nil), (503, "Sun, 06 Nov 1994 08:49:37 GMT")] {
        var headers: [String: String] = [:]
        if let retryAfter { headers["retry-after"] = retryAfter }
        let response = HTTPResponse(status: status, headers: headers, body: body)
        let error = RunPodErrorMapping.error(for: response, operation: .create, now: now, redact: credential.redact)
        precondition(!error.description.contains(apiKey), "the key leaked into \(error)")
        precondition(error.retryAfter.map { $0 >= 0 && $0.isFinite } ?? true, "a Retry-After of \(error)")
    }
    return 0
}
