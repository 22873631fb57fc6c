/// A chart's horizontal axis: minutes from the trace's start, labelled in hours for up to three days, in days beyond.
struct TimeAxis {
    let durationMinutes: Double

    init(durationMinutes: Double) {
        self.durationMinutes = max(1, durationMinutes)
    }

    private var inDays: Bool { durationMinutes > 72 * 60 }

    /// The axis title.
    var label: String { inDays ? "days from the trace's start" : "hours from the trace's start" }

    /// Tick positions in minutes, at most about eight.
    var ticks: [Double] {
        let unit = inDays ? 1440.0 : 60.0
        let steps: [Double] = inDays ? [1, 2, 7, 14, 28, 56, 91, 182, 364] : [1, 2, 3, 6, 12, 24]
        let length = durationMinutes / unit
        let step = (steps.first { length / $0 <= 8 } ?? (length / 8).rounded(.up)) * unit
        return stride(from: 0, through: durationMinutes + 0.001, by: step).map { $0 }
    }

    /// A tick's text: `12 h` or `day 3`.
    func label(for minutes: Double) -> String {
        inDays
            ? "day " + FixedFormat.string(minutes / 1440, decimals: 0)
            : FixedFormat.string(minutes / 60, decimals: 0) + " h"
    }
}
