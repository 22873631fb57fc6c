@testable import Simulation

/// A two-day result with a burst from hour 20 to hour 26, four strategies, two bounds (one zero) and a cost table.
enum SyntheticResult {
    static let traceName = "flash <crowd> & \"friends\""

    static func make(days: Int = 2) -> SimulationResult {
        let minutes = days * 1440
        let strategies = [
            strategy(
                "policy", "Scale RunPod pods on queue depth with a hold.", scale: 1.0, minutes: minutes,
                totals: StrategyTotals(
                    burstDollars: 72, localDollars: 1000, podHours: 120, creates: 9, terminates: 9,
                    jobsArrived: 10000, jobsServed: 9876, sloMinutes: 12, worstWaitSeconds: 95)),
            strategy(
                "burst-only", "Every job on RunPod <no local>.", scale: 3.0, minutes: minutes,
                totals: StrategyTotals(
                    burstDollars: 216.5, localDollars: 0, podHours: 360.8, creates: 40, terminates: 40,
                    jobsArrived: 10000, jobsServed: 10000, sloMinutes: 0, worstWaitSeconds: 30)),
            strategy(
                "local-only", "Never rent.", scale: 0, minutes: minutes,
                totals: StrategyTotals(
                    burstDollars: 0, localDollars: 1000, jobsArrived: 10000, jobsServed: 9100, sloMinutes: 400,
                    worstWaitSeconds: 19800)),
            strategy(
                "before", "The old fixed rule: two rented GPUs around the clock.", scale: 1.6, minutes: minutes,
                totals: StrategyTotals(
                    burstDollars: 115.2, localDollars: 1000, podHours: 192, creates: 2, terminates: 2,
                    jobsArrived: 10000, jobsServed: 9990, sloMinutes: 3, worstWaitSeconds: 150)),
        ]
        return SimulationResult(
            traceName: traceName, seed: 7, durationSeconds: Double(minutes) * 60, sloSeconds: 120,
            strategies: strategies,
            bounds: [
                CostBound(
                    name: "fluid", explanation: "Work above local capacity at the burst price.", burstDollars: 50),
                CostBound(
                    name: "peak-only", explanation: "Nothing is needed when local capacity suffices.",
                    burstDollars: 0),
            ],
            costTable: [
                CostTableRow(
                    label: "1 × A100 on RunPod", dollarsPerHour: 0.6, dollarsPerMonth: 438, note: "per second"),
                CostTableRow(label: "1 × local A100", dollarsPerHour: 0.685, dollarsPerMonth: 500, note: "flat"),
            ],
            burstPricePerHour: 0.6, breakEvenHoursPerMonth: 500 / 0.6,
            assumptions: ["Pods bill per second from create to terminate.", "Service time is 45 s <median>."])
    }

    /// A timeline quiet apart from the burst; `scale` sizes the rented pods and their spend.
    private static func strategy(
        _ name: String, _ summary: String, scale: Double, minutes: Int, totals: StrategyTotals
    ) -> StrategyResult {
        var cumulative = 0.0
        let timeline = (0..<minutes).map { minute -> MinuteSample in
            let hour = minute % 1440 / 60
            let inBurst = minute < 1440 && (20..<26).contains(hour)
            let running = Int((inBurst ? 6 : 1) * scale)
            let pending = inBurst && minute % 60 < 5 ? Int(2 * scale) : 0
            let dollarsPerHour = Double(running + pending) * 0.6
            cumulative += dollarsPerHour / 60
            let creates = minute % 60 == 0 && inBurst && scale > 0 ? 1 : 0
            return MinuteSample(
                minute: minute, arrivals: inBurst ? 40 : 3 + minute % 7, queue: inBurst ? 5 + minute % 60 : minute % 3,
                p95Seconds: inBurst ? 60 + Double(minute % 60) * 2 : 50 + Double(minute % 11),
                localBusy: 4 - (minute % 240 == 0 ? 1 : 0), podsPending: pending, podsRunning: running,
                dollarsPerHour: dollarsPerHour, cumulativeDollars: cumulative, creates: creates,
                terminates: minute % 60 == 30 && inBurst && scale > 0 ? 1 : 0)
        }
        return StrategyResult(name: name, summary: summary, totals: totals, timeline: timeline)
    }
}
