/// A labelled horizontal line across a chart (an SLO, a lower bound), drawn dashed.
struct ChartReferenceLine {
    var label: String
    var value: Double
    var color: String
    var side: AxisSide = .left
}
