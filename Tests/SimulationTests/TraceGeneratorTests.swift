import Foundation
import Testing

@testable import Simulation

@Suite struct TraceGeneratorTests {
    /// The repository's root, from this file's place in `Tests/SimulationTests`.
    private static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func mean(_ values: some Collection<Double>) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// The steps of `trace` (60 s steps) whose minute of the day lies in `minutes`, on days `days` selects.
    private static func steps(
        of trace: Trace, minutes: Range<Int>, days: (Int) -> Bool = { _ in true }
    ) -> [Double] {
        trace.arrivals.indices.filter { days($0 / 1440) && minutes.contains($0 % 1440) }.map { trace.arrivals[$0] }
    }

    @Test func theSameSeedGivesTheSameTraceAndAnotherSeedAnother() throws {
        for name in TraceGenerator.referenceNames {
            let first = try #require(TraceGenerator.reference(named: name, seed: 7))
            let second = try #require(TraceGenerator.reference(named: name, seed: 7))
            let other = try #require(TraceGenerator.reference(named: name, seed: 8))
            #expect(first == second, "\(name)")
            #expect(first.arrivals != other.arrivals, "\(name)")
            #expect(first.name == name)
        }
        #expect(TraceGenerator.reference(named: "no-such-trace", seed: 42) == nil)
        #expect(TraceGenerator.referenceNames == ["diurnal-month", "flash-crowd", "steady-low"])
    }

    @Test func lengthsAndSteps() throws {
        let expected = ["diurnal-month": 30 * 1440, "flash-crowd": 1440, "steady-low": 7 * 1440]
        for (name, count) in expected {
            let trace = try #require(TraceGenerator.reference(named: name))
            #expect(trace.stepSeconds == 60)
            #expect(trace.arrivals.count == count, "\(name)")
            #expect(trace.arrivals.allSatisfy { $0 >= 0 && $0 == $0.rounded() }, "\(name)")
        }
    }

    @Test func theFlashCrowdIsTenTimesTheRestForTwentyMinutesAtTwoPM() throws {
        let trace = try #require(TraceGenerator.reference(named: "flash-crowd"))
        let crowd = Self.steps(of: trace, minutes: 840..<860)
        let rest = Self.steps(of: trace, minutes: 0..<840) + Self.steps(of: trace, minutes: 860..<1440)
        #expect(crowd.count == 20)
        #expect(Self.mean(crowd) >= 8 * Self.mean(rest))
        #expect(abs(Self.mean(rest) - 8) < 0.5)
        #expect(trace.arrivals[839] < 40 && trace.arrivals[860] < 40)
    }

    @Test func diurnalEveningsAreBusierThanDaysAndDaysThanNights() throws {
        let trace = try #require(TraceGenerator.reference(named: "diurnal-month"))
        let night = Self.mean(Self.steps(of: trace, minutes: 120..<360))
        let day = Self.mean(Self.steps(of: trace, minutes: 540..<1020))
        let evening = Self.mean(Self.steps(of: trace, minutes: 1140..<1380))
        #expect(evening > day && day > night)
        #expect(night > 1 && night < 3)
        #expect(day > 14 && day < 21)
        #expect(evening > 35)
    }

    @Test func diurnalWeekendsAreAboutSeventyPercentOfWeekdays() throws {
        let trace = try #require(TraceGenerator.reference(named: "diurnal-month"))
        let day = 540..<1020
        let weekday = Self.mean(Self.steps(of: trace, minutes: day) { !DiurnalMonthShape.isWeekend(day: $0) })
        let weekend = Self.mean(Self.steps(of: trace, minutes: day) { DiurnalMonthShape.isWeekend(day: $0) })
        #expect(weekend < weekday)
        #expect(abs(weekend / weekday - 0.7) < 0.05)
    }

    @Test func diurnalEveningsHaveAFewBurstsAWeek() throws {
        let trace = try #require(TraceGenerator.reference(named: "diurnal-month"))
        // A burst minute runs at 2-3x the evening rate of 45 (31.5 on weekends): count evenings with a run of
        // 15 or more minutes above 80 jobs, which plain Poisson noise around 45 practically never reaches.
        let burstEvenings = (0..<30).filter { day in
            var run = 0
            var longest = 0
            for minute in 1140..<1380 {
                run = trace.arrivals[day * 1440 + minute] > 80 ? run + 1 : 0
                longest = max(longest, run)
            }
            return longest >= 15
        }
        #expect(burstEvenings.count >= 6 && burstEvenings.count <= 20, "\(burstEvenings)")
    }

    @Test func theWeekdayCurvePassesThroughItsPoints() {
        let shape = DiurnalMonthShape()
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 0) == 11.25)
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 60) == 4)
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 240) == 2)
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 450) == 11)
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 720) == 20)
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 1260) == 45)
        #expect(shape.weekdayPerMinute(atMinuteOfDay: 1439.99) > 11.25)
    }

    @Test func steadyLowIsAboutThreeAMinute() throws {
        let trace = try #require(TraceGenerator.reference(named: "steady-low"))
        #expect(abs(Self.mean(trace.arrivals) - 3) < 0.1)
    }

    @Test func parametersChangeTheShape() {
        let quiet = SteadyLowShape(days: 1, perMinute: 0.5).generate(seed: 1)
        #expect(quiet.arrivals.count == 1440)
        #expect(abs(Self.mean(quiet.arrivals) - 0.5) < 0.1)
        let short = FlashCrowdShape(stepSeconds: 300, crowdStartSeconds: 3600, crowdSeconds: 600).generate(seed: 1)
        #expect(short.arrivals.count == 288)
        #expect(short.arrivals[12] > 200 && short.arrivals[13] > 200 && short.arrivals[14] < 100)
    }

    @Test(arguments: TraceGenerator.referenceNames)
    func theCommittedReferenceFileIsWhatTheGeneratorWrites(name: String) throws {
        let url = Self.repositoryRoot.appendingPathComponent("examples/traces/\(name).csv")
        let committed = try String(contentsOf: url, encoding: .utf8)
        let generated = try #require(TraceGenerator.referenceCSV(named: name, seed: 42))
        #expect(committed == generated, "regenerate with: \(TraceGenerator.command(named: name, seed: 42))")
        #expect(committed.contains("# generated by: runpod-autoscaler simulate --generate \(name) --seed 42\n"))
        let parsed = try TraceCSV.parse(committed, name: name)
        #expect(parsed == TraceGenerator.reference(named: name, seed: 42))
    }
}
