/// An inline SVG line chart over a trace's time: a title, one or two value axes, time ticks, series, reference
/// lines and a legend. Rendering is pure: the same chart gives the same bytes.
struct SVGChart {
    /// The element's `id` (also the prefix of its `<title>` and `<desc>` ids).
    var id: String
    var title: String
    /// A sentence for screen readers: what the chart shows.
    var summary: String
    var time: TimeAxis
    var left: ValueAxis
    var right: ValueAxis?
    var series: [ChartSeries]
    var references: [ChartReferenceLine] = []

    static let width = 1200.0
    static let height = 340.0
    static let plotTop = 64.0
    static let plotBottom = height - 48
    static let plotLeft = 76.0
    var plotRight: Double { Self.width - (right == nil ? 28 : 76) }

    /// The `<svg>` element.
    func render() -> String {
        let e = HTMLEscaping.escape
        var svg =
            "<svg class=\"chart\" id=\"\(id)\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\""
            + " viewBox=\"0 0 \(Self.width.svg) \(Self.height.svg)\" preserveAspectRatio=\"xMidYMid meet\">\n"
        svg += "<title id=\"\(id)-title\">\(e(title))</title>\n<desc id=\"\(id)-desc\">\(e(summary))</desc>\n"
        svg += "<rect class=\"plot\" x=\"\(Self.plotLeft.svg)\" y=\"\(Self.plotTop.svg)\""
        svg += " width=\"\((plotRight - Self.plotLeft).svg)\" height=\"\((Self.plotBottom - Self.plotTop).svg)\"/>\n"
        svg += axes()
        svg += seriesMarkup()
        svg += referenceMarkup()
        svg += "<text class=\"chart-title\" x=\"\(Self.plotLeft.svg)\" y=\"24\">\(e(title))</text>\n"
        svg += legend()
        svg += "</svg>\n"
        return svg
    }

    /// The x pixel of a time in minutes.
    func px(_ minutes: Double) -> Double {
        Self.plotLeft + min(max(minutes / time.durationMinutes, 0), 1) * (plotRight - Self.plotLeft)
    }

    /// The y pixel of a value on one of the axes.
    func py(_ value: Double, _ side: AxisSide) -> Double {
        let axis = side == .right ? (right ?? left) : left
        let fraction = value.isFinite ? min(max(value / axis.top, 0), 1) : 0
        return Self.plotBottom - fraction * (Self.plotBottom - Self.plotTop)
    }
}
