// One Prometheus `/api/v1/query` answer through the demand source's reading of it: the query's single value (or
// the error naming the query), then the queue depth, latency and rate that value becomes.
import Foundation

@testable import Autoscaler

let query = #"sum(kafka_consumergroup_lag{consumergroup="media-gpu"})"#

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrometheusResponse(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: start, count: count))
    for status in [200, 400, 503] {
        let value: Double?
        do {
            value = try PrometheusDemandSource.interpret(
                status: status, body: body, key: "queueDepthQuery", query: query)
        } catch {
            precondition("\(error)".contains("queueDepthQuery"), "an error that does not name the query: \(error)")
            continue
        }
        precondition(status == 200, "HTTP \(status) read as a value")
        if let depth = try? PrometheusDemandSource.queueDepth(value, query: query) {
            precondition(depth >= 0, "a negative queue depth \(depth)")
        }
        let latency = PrometheusDemandSource.nonNegative(value)
        precondition(latency.isFinite && latency >= 0, "latency \(latency)")
    }
    return 0
}
