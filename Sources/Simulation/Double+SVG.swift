extension Double {
    /// A coordinate for SVG markup: one decimal, no grouping.
    var svg: String { FixedFormat.string(self, decimals: 1) }
}
