import Foundation
import Testing

@testable import Decisions

/// M/G/c staffing for a latency SLO, checked against Erlang C computed the textbook way.
@Suite struct WorkerStaffingTests {
    /// Erlang C by its closed form: a^c/c! · c/(c−a) over Σ_{k<c} a^k/k! plus that.
    static func erlangC(servers c: Int, load a: Double) -> Double {
        var term = 1.0
        var sum = 0.0
        for k in 0..<c {
            if k > 0 { term *= a / Double(k) }
            sum += term
        }
        term *= a / Double(c)
        let waiting = term * Double(c) / (Double(c) - a)
        return waiting / (sum + waiting)
    }

    /// The share of jobs over the SLO with fixed service times, computed independently.
    static func lateShareFixed(servers: Int, rate: Double, service: Double, slo: Double) -> Double {
        let load = rate * service
        guard Double(servers) > load else { return 1 }
        // Fixed service: Allen–Cunneen halves the exponential's mean wait.
        return erlangC(servers: servers, load: load) * exp(-(Double(servers) - load) * (slo - service) / (service / 2))
    }

    @Test(arguments: [0.05, 0.3, 0.8, 1.5, 4.0, 9.5])
    func fixedServiceIsTheFewestWorkersUnderFivePercentLate(rate: Double) {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 10, latencySLOSeconds: 30)
        let workers = staffing.workers(arrivalsPerSecond: rate)
        #expect(Self.lateShareFixed(servers: workers, rate: rate, service: 10, slo: 30) <= 0.05)
        #expect(Self.lateShareFixed(servers: workers - 1, rate: rate, service: 10, slo: 30) > 0.05)
    }

    /// Rates from outside can be absurd: a huge one answers at once and never traps.
    @Test func hugeRatesAnswerWithoutTrapping() {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        #expect(staffing.workers(arrivalsPerSecond: 2_000) == Int((20_000 + 3 * 20_000.0.squareRoot()).rounded(.up)))
        #expect(staffing.workers(arrivalsPerSecond: 1e300) == Int.max)
        #expect(staffing.workers(arrivalsPerSecond: .infinity) == 0)
    }

    @Test func noArrivalsNeedNoWorkers() {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        #expect(staffing.workers(arrivalsPerSecond: 0) == 0)
        #expect(staffing.workers(arrivalsPerSecond: -1) == 0)
        #expect(staffing.workers(arrivalsPerSecond: .nan) == 0)
    }

    @Test func moreArrivalsNeverNeedFewerWorkersAndAlwaysMoreThanTheLoad() {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        var previous = 0
        for step in 1...300 {
            let rate = Double(step) / 60
            let workers = staffing.workers(arrivalsPerSecond: rate)
            #expect(workers >= previous, "rate \(rate)")
            #expect(Double(workers) > rate * 10, "rate \(rate)")
            previous = workers
        }
    }

    /// At scale, the SLO needs far less headroom than a fixed 85 % utilisation gives.
    @Test func headroomShrinksWithScale() {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        let load = 100.0
        let workers = staffing.workers(arrivalsPerSecond: load / 10)
        #expect(workers < Int((load / 0.85).rounded(.up)))
        #expect(workers > Int(load))
    }

    @Test func longerJobsAndTighterSLOsNeedMoreWorkers() {
        let base = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        var tighter = base
        tighter.latencySLOSeconds = 18
        var heavier = base
        heavier.serviceP95Seconds = 29
        let rate = 0.8
        #expect(tighter.workers(arrivalsPerSecond: rate) > base.workers(arrivalsPerSecond: rate))
        #expect(heavier.workers(arrivalsPerSecond: rate) >= base.workers(arrivalsPerSecond: rate))
    }

    /// Mean 10 s and p95 16 s: σ = 1.6449 − √(1.6449² − 2 ln 1.6) = 0.3161, so CV² = e^σ² − 1 = 0.1051.
    @Test func variabilityOfTheLognormal() {
        let staffing = WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 16, latencySLOSeconds: 30)
        #expect(abs(staffing.serviceVariability - 0.1051) < 0.0005)
        #expect(
            WorkerStaffing(serviceSeconds: 10, serviceP95Seconds: 10, latencySLOSeconds: 30).serviceVariability == 0)
    }

    @Test(arguments: [(0.5, 0.0), (0.975, 1.959964), (0.01, -2.326348), (0.999, 3.090232)])
    func normalQuantile(probability: Double, expected: Double) {
        #expect(abs(WorkerStaffing.normalQuantile(probability) - expected) < 1e-5)
    }
}
