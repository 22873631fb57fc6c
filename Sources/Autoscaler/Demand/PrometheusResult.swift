/// `data.result`: a list of samples for vectors, one `[time, "value"]` pair for scalars.
enum PrometheusResult: Decodable {
    case samples([PrometheusQueryResponse.Sample])
    case scalar([PrometheusSampleField])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let samples = try? container.decode([PrometheusQueryResponse.Sample].self) {
            self = .samples(samples)
        } else {
            self = .scalar(try container.decode([PrometheusSampleField].self))
        }
    }
}
