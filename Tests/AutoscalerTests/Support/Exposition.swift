@testable import Autoscaler

/// One rendering of `/metrics`, read back a series at a time.
struct Exposition {
    let text: String

    init(_ metrics: AutoscalerMetrics) {
        text = String(decoding: metrics.render(), as: UTF8.self)
    }

    /// The value of `series`, written as the exposition writes it
    /// (`name{a="x",b="y"}`), or nil when there is no such series.
    func value(_ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
