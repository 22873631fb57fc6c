import Decisions
import Foundation
import RunPodEmulator
import TestSupport
import Testing

@testable import Autoscaler

/// Hundreds of random demand and fault sequences through the policy, the
/// reconciler and the emulator. After every step the caps hold; once demand
/// is zero and faults stop, every pod is gone within idle + provision timeouts.
@Suite(.serialized) struct ReconcilerPropertyTests {
    typealias H = ReconcilerHarness

    static let faultKinds: [FaultKind] = [
        .noCapacity, .serverError, .serverErrorAfterCreate, .rateLimited, .unauthorized, .forbidden,
        .paymentRequired, .dropConnection,
    ]
    static let operations = ["list", "create", "delete", "catalog"]

    @Test(arguments: 0..<6)
    func capsHoldAndEverythingDrains(batch: Int) async throws {
        for run in 0..<50 {
            let seed = UInt64(batch * 50 + run)
            try await runSequence(seed: seed)
        }
    }

    func runSequence(seed: UInt64) async throws {
        var random = SeededRandom(seed: seed)
        var pool = H.defaultPool()
        pool.maxReplicas = Int.random(in: 0...12, using: &random)
        pool.maxCostPerHour = Bool.random(using: &random) ? nil : Double.random(in: 0.5...9, using: &random)
        pool.scaling.scaleDownIdleSeconds = Double(Int.random(in: 0...60, using: &random))
        pool.scaling.provisionTimeoutSeconds = 120
        pool.template.gpuCount = Int.random(in: 1...2, using: &random)
        var configuration = EmulatorConfiguration()
        configuration.seed = seed
        configuration.provisioningSeconds = Double.random(in: 0...40, using: &random)
        configuration.startingSeconds = Double.random(in: 0...40, using: &random)
        configuration.capacity = [
            H.ada.gpuTypeId: [
                "SECURE": Int.random(in: 0...8, using: &random), "COMMUNITY": Int.random(in: 0...4, using: &random),
            ],
            H.l40s.gpuTypeId: [
                "SECURE": Int.random(in: 0...8, using: &random), "COMMUNITY": Int.random(in: 0...8, using: &random),
            ],
        ]
        let h = try await H(pool: pool, emulator: configuration, desiredFromPolicy: true)
        let context =
            "seed \(seed), maxReplicas \(pool.maxReplicas), maxCost \(pool.maxCostPerHour.map { "\($0)" } ?? "none")"

        for _ in 0..<Int.random(in: 5...20, using: &random) {
            if Int.random(in: 0..<3, using: &random) == 0 {
                let kind = Self.faultKinds.randomElement(using: &random)!
                let share = Bool.random(using: &random) ? Double.random(in: 0.1...0.9, using: &random) : nil
                h.emulator.addFault(
                    FaultRule(
                        kind: kind, operations: [Self.operations.randomElement(using: &random)!],
                        count: share == nil ? Int.random(in: 1...3, using: &random) : nil, share: share,
                        retryAfterSeconds: Double(Int.random(in: 1...30, using: &random))))
            }
            if Int.random(in: 0..<4, using: &random) == 0 { h.emulator.clearFaults() }
            h.setDemand(queueDepth: Int.random(in: 0...160, using: &random))
            await h.step(Double(Int.random(in: 1...20, using: &random)))
            try checkCaps(h, pool: pool, context)
        }

        // Demand stops, faults stop: everything must go within idle + provision timeouts.
        h.emulator.clearFaults()
        h.setDemand(queueDepth: 0)
        let deadline = pool.scaling.scaleDownIdleSeconds + pool.scaling.provisionTimeoutSeconds
        var waited = 0.0
        while !h.pods.isEmpty && waited <= deadline {
            h.setDemand(queueDepth: 0)
            await h.step(5)
            waited += 5
            try checkCaps(h, pool: pool, context)
        }
        #expect(h.pods.isEmpty, "pods left after \(waited)s: \(h.pods.map(\.name)) (\(context))")
        await h.shutdown()
    }

    func checkCaps(_ h: H, pool: PoolSpec, _ context: String) throws {
        let pods = h.pods
        try #require(pods.count <= pool.maxReplicas, "\(pods.count) pods > maxReplicas (\(context))")
        if let budget = pool.maxCostPerHour {
            try #require(h.cost <= budget + 1e-9, "cost \(h.cost) > \(budget) (\(context))")
        }
        try #require(Set(pods.map(\.name)).count == pods.count, "duplicate names (\(context))")
    }
}
