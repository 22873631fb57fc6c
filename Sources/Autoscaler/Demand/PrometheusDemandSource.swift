import CurlHTTP
import Decisions
import Foundation

/// Demand from Prometheus: two instant queries over the HTTP API, through the
/// project's libcurl client. The queue query must return exactly one series
/// (aggregate it with `sum`); an empty or NaN latency means no job finished in
/// the window and reads as 0.
public struct PrometheusDemandSource: DemandSource {
    public let url: String
    public let queueDepthQuery: String
    public let latencyP95Query: String
    /// Jobs arriving per second; empty: not queried.
    public let arrivalRateQuery: String
    private let http: HTTPClient

    public var name: String { "prometheus" }
    public var location: String { url }

    public init(
        url: String, queueDepthQuery: String, latencyP95Query: String, arrivalRateQuery: String = "", http: HTTPClient
    ) {
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.queueDepthQuery = queueDepthQuery
        self.latencyP95Query = latencyP95Query
        self.arrivalRateQuery = arrivalRateQuery
        self.http = http
    }

    /// Prometheus can only be polled.
    public func changeToken() -> String? { nil }

    public func read(now: Date) async throws -> DemandReading {
        let depth = try await value(of: queueDepthQuery, key: "queueDepthQuery")
        guard let depth else {
            throw DemandSourceError(
                "queueDepthQuery returned no series (is the lag exporter scraped?): \(queueDepthQuery)")
        }
        guard depth.isFinite, depth >= 0 else {
            throw DemandSourceError("queueDepthQuery returned \(depth), not a count: \(queueDepthQuery)")
        }
        let latency = try await value(of: latencyP95Query, key: "latencyP95Query")
        let p95 = latency.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 0
        var rate: Double?
        if !arrivalRateQuery.isEmpty {
            // An empty or NaN rate means nothing arrived in the window.
            let value = try await value(of: arrivalRateQuery, key: "arrivalRateQuery")
            rate = value.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 0
        }
        return DemandReading(
            queueDepth: Int(depth.rounded()), latencyP95Seconds: p95, readAt: now, arrivalsPerSecond: rate)
    }

    /// The query's single value; nil for an empty result.
    private func value(of query: String, key: String) async throws -> Double? {
        let request = HTTPRequest(
            method: "GET", url: "\(url)/api/v1/query?query=\(PercentEncoding.encode(query))",
            headers: [(name: "Accept", value: "application/json")])
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw DemandSourceError("prometheus at \(url) unreachable: \(error)")
        }
        return try Self.interpret(status: response.status, body: response.body, key: key, query: query)
    }

    /// One query answer: its single value, nil when empty, or an error saying
    /// which query failed and why (Prometheus' own errorType and error).
    static func interpret(status: Int, body: [UInt8], key: String, query: String) throws -> Double? {
        let decoded = try? JSONDecoder().decode(PrometheusQueryResponse.self, from: Data(body))
        guard status == 200, let decoded, decoded.status == "success", let data = decoded.data else {
            let reason =
                decoded.map { "\($0.errorType ?? "error"): \($0.error ?? "no detail")" } ?? "not a query answer"
            throw DemandSourceError("prometheus \(key) failed (HTTP \(status), \(reason)): \(query)")
        }
        return try data.singleValue(key: key, query: query)
    }
}
