import Foundation

/// The classic comparison, from the configured prices: a burst fleet of 20
/// pods against 20 rented cloud GPUs, and a local server, per hour and per month.
enum CostTable {
    static let fleet = 20
    /// Hours in an average month (365.25 × 24 / 12).
    static let hoursPerMonth = 730.5

    static func rows(settings: SimulationSettings, burstPrice: Double) -> [CostTableRow] {
        let gpu = settings.pool.template.gpuTypeIds.first ?? "burst GPU"
        let before = settings.before
        let perGPU = settings.localServerDollarsPerMonth / Double(max(1, settings.localGPUsPerServer))
        let share = settings.costTableUtilization
        let hours = hoursPerMonth * share
        let atShare = "a month at \(Int((share * 100).rounded())) % utilisation (\(Int(hours.rounded())) h)"
        return [
            CostTableRow(
                label: "\(fleet)× \(gpu) on RunPod", dollarsPerHour: Double(fleet) * burstPrice,
                dollarsPerMonth: Double(fleet) * burstPrice * hours,
                note: "peak burst; \(atShare)"),
            CostTableRow(
                label: "\(fleet)× \(before.label)", dollarsPerHour: Double(fleet) * before.dollarsPerHour,
                dollarsPerMonth: Double(fleet) * before.dollarsPerHour * hours,
                note: "the before, \(atShare); spot capacity can be interrupted"),
            CostTableRow(
                label: "1 local \(settings.localGPUsPerServer)× A100 server",
                dollarsPerHour: settings.localServerDollarsPerMonth / hoursPerMonth,
                dollarsPerMonth: settings.localServerDollarsPerMonth,
                note: "flat: \(String(format: "%.0f", perGPU)) USD per GPU a month, busy or idle"),
        ]
    }
}
