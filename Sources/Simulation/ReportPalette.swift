/// The report's colours (Okabe–Ito, readable by colour-blind readers).
enum ReportPalette {
    static let blue = "#0072B2"
    static let orange = "#E69F00"
    static let green = "#009E73"
    static let vermillion = "#D55E00"
    static let purple = "#CC79A7"
    static let sky = "#56B4E9"
    static let grey = "#6B7280"
    static let ink = "#1F2933"

    /// One colour a strategy, the configured policy first.
    static let strategies = [blue, orange, green, purple, vermillion, sky, grey, ink]

    /// The colour of the strategy at `index`.
    static func strategy(_ index: Int) -> String { strategies[index % strategies.count] }
}
