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
        let depth = try Self.queueDepth(
            try await value(of: queueDepthQuery, key: "queueDepthQuery"), query: queueDepthQuery)
        let p95 = Self.nonNegative(try await value(of: latencyP95Query, key: "latencyP95Query"))
        var rate: Double?
        if !arrivalRateQuery.isEmpty {
            // An empty or NaN rate means nothing arrived in the window.
            rate = Self.nonNegative(try await value(of: arrivalRateQuery, key: "arrivalRateQuery"))
        }
        return DemandReading(queueDepth: depth, latencyP95Seconds: p95, readAt: now, arrivalsPerSecond: rate)
    }

    /// The queue query's value as a count of jobs; no series, NaN or a negative value is an error.
    static func queueDepth(_ value: Double?, query: String) throws -> Int {
        guard let value else {
            throw DemandSourceError("queueDepthQuery returned no series (is the lag exporter scraped?): \(query)")
        }
        // The same bound as the file source's: beyond it the value is no queue (and no Int).
        guard value.isFinite, value >= 0, value < 1e15 else {
            throw DemandSourceError("queueDepthQuery returned \(value), not a count: \(query)")
        }
        return Int(value.rounded())
    }

    /// A latency or rate: an empty result, NaN or a negative value reads as 0.
    static func nonNegative(_ value: Double?) -> Double {
        value.flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } ?? 0
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
