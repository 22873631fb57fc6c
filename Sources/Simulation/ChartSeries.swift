/// One data series of an `SVGChart`, drawn as a polyline (and a filled band beneath it for `.band`).
struct ChartSeries {
    /// How the series is drawn.
    enum Style {
        /// A solid line of the given width.
        case line(width: Double)
        /// A dashed line.
        case dashed
        /// A filled band between each point's `base` and `y`, edged by a line.
        case band(opacity: Double)
    }

    /// The legend's text (already plain text; the chart escapes it).
    var label: String
    /// A CSS colour.
    var color: String
    var style: Style
    var side: AxisSide = .left
    var points: [ChartPoint]
}
