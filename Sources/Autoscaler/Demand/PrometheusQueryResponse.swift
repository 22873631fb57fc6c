/// The parts of Prometheus' `/api/v1/query` answer the demand source reads.
struct PrometheusQueryResponse: Decodable {
    struct Sample: Decodable {
        /// `[unixSeconds, "value"]`: Prometheus sends the value as a string
        /// ("NaN", "+Inf" included).
        let value: [PrometheusSampleField]?
    }

    struct Payload: Decodable {
        let resultType: String
        let result: PrometheusResult

        /// One number from a vector of one series or a scalar; nil when empty.
        func singleValue(key: String, query: String) throws -> Double? {
            switch result {
            case .samples(let samples):
                guard resultType == "vector" else {
                    throw DemandSourceError("\(key) returned a \(resultType); an instant vector is needed: \(query)")
                }
                if samples.isEmpty { return nil }
                guard samples.count == 1 else {
                    throw DemandSourceError(
                        "\(key) returned \(samples.count) series; aggregate it to one (e.g. sum(...)): \(query)")
                }
                return samples[0].value?.last?.number
            case .scalar(let fields):
                return fields.last?.number
            }
        }
    }

    let status: String
    let data: Payload?
    let errorType: String?
    let error: String?
}
