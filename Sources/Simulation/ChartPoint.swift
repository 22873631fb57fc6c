/// One point of a chart series in data units: `x` in minutes from the trace's start, `y` on the series' axis,
/// `base` the bottom of a band (zero for lines and unstacked bands).
struct ChartPoint: Equatable {
    var x: Double
    var y: Double
    var base: Double = 0
}
