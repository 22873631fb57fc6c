/// A chart's vertical axis: a label, the data's maximum and how tick values read.
struct ValueAxis {
    var label: String
    /// The top tick: the data's maximum rounded up to a step of 1, 2, 2.5 or 5 × 10ⁿ.
    let top: Double
    /// The distance between ticks.
    let step: Double
    var prefix: String = ""

    /// An axis from 0 to at least `maximum` with about `ticks` steps.
    init(label: String, maximum: Double, prefix: String = "", ticks: Int = 5) {
        self.label = label
        self.prefix = prefix
        let target = maximum.isFinite && maximum > 0 ? maximum : 1
        let rough = target / Double(max(1, ticks))
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        // 2.5 only where it stays a whole number or the ticks have decimals anyway: no "2.5 workers" read as "3".
        let multiples: [Double] = magnitude == 1 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10]
        let step = multiples.map { $0 * magnitude }.first { $0 >= rough } ?? magnitude * 10
        self.step = step
        self.top = (target / step).rounded(.up) * step
    }

    /// The tick values from 0 to `top`.
    var ticks: [Double] {
        let count = Int((top / step).rounded())
        return (0...count).map { Double($0) * step }
    }

    /// A tick's text, with as many decimals as the step needs.
    func label(for value: Double) -> String {
        let decimals = step.rounded() == step ? 0 : ((step * 10).rounded() == step * 10 ? 1 : 2)
        return prefix + FixedFormat.string(value, decimals: decimals, grouped: true)
    }
}
